package engine_test

import (
	"strings"
	"testing"
)

// TestEscapingThroughTemplates: strings that need JSON escaping stay
// escaped however they reach a record (a template mixing plain parts with
// quotes, backslashes and control characters, per-session fields, context,
// CSV cells), while the producers that mark their output as needing no
// escaping (uuid, hex, ipv4, ipv6, session ids) write valid JSON.
func TestEscapingThroughTemplates(t *testing.T) {
	src := `
scenario "esc" {
  seed  = 11
  start = "2025-01-01T00:00:00"
  end   = "2025-01-03T00:00:00"
}
entity "user" {
  count = 20
  attributes {
    id    = "u\"${index}"
    plain = "p-${hex(4)}"
    pick  = weighted({ "a\"b" = 1, "c\\d" = 1, "e\nf" = 1, "plain" = 1 })
  }
}
flow "f" {
  actor = entity.user
  session {
    count      = 2
    max_events = 3
  }
  gap     = "1m"
  initial = "a"
  state "a" {
    set = { tag = "${user.pick}/${uuid()}" }
    emit "events" {
      user    = user.id
      sess    = "s-${session.id}"
      mixed   = "${user.plain}|${user.pick}|${ipv4()}|${ipv6()}|${event.time}|${1.5}"
      tag     = ctx.tag
      nested  = json({ t = ctx.tag, u = user.id, h = hex(6) })
    }
    next = { a = 1 }
  }
}
sink "j" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
`
	rows := runSource(t, src, 2)
	if len(rows) != 20*2*3 {
		t.Fatalf("%d rows", len(rows))
	}
	seen := map[string]bool{}
	for _, r := range rows {
		u := r["user"].(string)
		if !strings.HasPrefix(u, `u"`) {
			t.Fatalf("user %q lost its quote", u)
		}
		parts := strings.Split(r["mixed"].(string), "|")
		if len(parts) != 6 || !strings.HasPrefix(parts[0], "p-") {
			t.Fatalf("mixed = %q", r["mixed"])
		}
		seen[parts[1]] = true
		tag := r["tag"].(string)
		if !strings.HasPrefix(tag, parts[1]+"/") {
			t.Fatalf("tag %q does not start with the pick %q", tag, parts[1])
		}
		nested := r["nested"].(string)
		if !strings.Contains(nested, `"u":"u\"`) {
			t.Fatalf("nested = %s", nested)
		}
	}
	for _, want := range []string{"a\"b", "c\\d", "e\nf", "plain"} {
		if !seen[want] {
			t.Errorf("pick %q never seen (or not decoded back)", want)
		}
	}
}
