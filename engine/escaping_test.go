package engine_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
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

// TestTemplateOneDynamicPart: a template with one varying part renders its
// constant text around the part's, whether the part writes its text at the
// end of the arena (hex, uuid, an inner template), writes nothing (an int,
// an attribute, a context value) or writes something else and returns a
// value (a length), or writes other text before its own (format): each field is checked against its exact shape, and
// JSON escaping holds for constant text that needs it.
func TestTemplateOneDynamicPart(t *testing.T) {
	src := `
scenario "tpl" {
  seed  = 5
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "user" {
  count = 30
  attributes {
    id = "UID-${index + 1}"
  }
}
flow "f" {
  actor = entity.user
  session {
    count      = 2
    max_events = 4
  }
  gap     = "1m"
  initial = "a"
  state "a" {
    set = { s = "q\"${hex(3)}" }
    emit "events" {
      user   = user.id
      s      = ctx.s
      hexed  = "e-${hex(8)}-z"
      uuided = "${uuid()}!"
      nested = "a-${"b-${hex(2)}"}-c"
      quoted = "\"${hex(4)}\\"
      wrap   = "<${ctx.s}>"
      attr   = "[${user.id}]"
      length = "n${len(format("%s", hex(3)))}"
      when   = "t=${event.time}"
      fmtd   = "f:${format("%s/%s", hex(2), hex(2))}"
      pre7   = "abcdefg${hex(2)}1234567"
      pre8   = "abcdefgh${hex(2)}12345678"
      pre9   = "abcdefghi${hex(2)}123456789"
      post1  = "${user.id}."
      h32    = "e-${hex(32)}"
      h32q   = "\"${hex(32)}\\"
      h32l   = "abcdefghi${hex(32)}123456789"
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
	shapes := map[string]*regexp.Regexp{
		"user":   regexp.MustCompile(`^UID-[0-9]+$`),
		"s":      regexp.MustCompile(`^q"[0-9a-f]{3}$`),
		"hexed":  regexp.MustCompile(`^e-[0-9a-f]{8}-z$`),
		"uuided": regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}!$`),
		"nested": regexp.MustCompile(`^a-b-[0-9a-f]{2}-c$`),
		"quoted": regexp.MustCompile(`^"[0-9a-f]{4}\\$`),
		"length": regexp.MustCompile(`^n3$`),
		"when":   regexp.MustCompile(`^t=2025-01-01T`),
		"fmtd":   regexp.MustCompile(`^f:[0-9a-f]{2}/[0-9a-f]{2}$`),
		// Text around the part of up to eight bytes, and more.
		"pre7":  regexp.MustCompile(`^abcdefg[0-9a-f]{2}1234567$`),
		"pre8":  regexp.MustCompile(`^abcdefgh[0-9a-f]{2}12345678$`),
		"pre9":  regexp.MustCompile(`^abcdefghi[0-9a-f]{2}123456789$`),
		"post1": regexp.MustCompile(`^UID-[0-9]+\.$`),
		"h32":   regexp.MustCompile(`^e-[0-9a-f]{32}$`),
		"h32q":  regexp.MustCompile(`^"[0-9a-f]{32}\\$`),
		"h32l":  regexp.MustCompile(`^abcdefghi[0-9a-f]{32}123456789$`),
	}
	for _, workers := range []int{1, 2} {
		rows := runSource(t, src, workers)
		if len(rows) != 30*2*4 {
			t.Fatalf("%d rows", len(rows))
		}
		for _, r := range rows {
			for field, re := range shapes {
				if s, _ := r[field].(string); !re.MatchString(s) {
					t.Fatalf("%s = %q, want %s", field, s, re)
				}
			}
			if got, want := r["wrap"], "<"+r["s"].(string)+">"; got != want {
				t.Fatalf("wrap = %q, want %q", got, want)
			}
			if got, want := r["attr"], "["+r["user"].(string)+"]"; got != want {
				t.Fatalf("attr = %q, want %q", got, want)
			}
		}
	}
}

// TestCSVQuotingThroughFlags: a string that reaches a CSV cell already
// marked as needing no quoting is written as is; every other one is
// checked. Each way a string gets its marks is covered with text that must
// be quoted: actors' attributes (a comma, a quote, a leading blank),
// templates whose constant text has a comma or starts with a blank, a
// blank after a part that may be empty, and plain producers (hex, uuid,
// ipv4, session ids) next to them. The file is read back with encoding/csv
// and each cell compared with the same row's JSON twin.
func TestCSVQuotingThroughFlags(t *testing.T) {
	src := `
scenario "csvq" {
  seed  = 3
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "user" {
  count = 12
  attributes {
    id    = "u${index}"
    comma = "a,${index}"
    quote = "q\"${index}"
    blank = " b${index}"
    kind  = weighted({ plain = 1, "x,y" = 1, " lead" = 1 })
    maybe = index % 2 == 0 ? "" : "m"
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
    emit "events" {
      id     = user.id
      comma  = user.comma
      quote  = user.quote
      blank  = user.blank
      kind   = user.kind
      pre    = " p-${hex(4)}"
      post   = "${hex(4)},z"
      mid    = "${user.maybe} ${hex(2)}"
      both   = "${hex(2)}-${user.kind}"
      plain  = "${uuid()}/${ipv4()}/${session.id}"
      number = "${1.5}:${index}"
    }
    next = { a = 1 }
  }
}
sink "c" {
  type   = "csv"
  stream = "events"
  path   = "e.csv"
}
sink "j" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
`
	for _, workers := range []int{1, 2} {
		dir := runSourceDir(t, src, workers)
		raw := readFile(t, filepath.Join(dir, "e.csv"))
		recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		if err != nil {
			t.Fatalf("%d workers: the CSV does not parse: %v", workers, err)
		}
		js := jsonLines(t, filepath.Join(dir, "e.jsonl"))
		if len(recs) != len(js)+1 || len(js) != 12*2*3 {
			t.Fatalf("%d workers: %d CSV rows, %d JSON rows", workers, len(recs), len(js))
		}
		head := recs[0]
		for i, rec := range recs[1:] {
			for c, name := range head {
				if want := js[i][name].(string); rec[c] != want {
					t.Fatalf("%d workers, row %d: %s = %q in CSV, %q in JSON", workers, i, name, rec[c], want)
				}
			}
		}
		// A cell starting with a blank is quoted (readers that trim
		// leading space would lose it otherwise).
		for _, line := range strings.Split(string(raw), "\n")[1:] {
			if strings.Contains(line, ", ") || strings.HasPrefix(line, " ") {
				t.Fatalf("%d workers: a cell starting with a blank is not quoted: %s", workers, line)
			}
		}
	}
}

// TestTemplateStringParts: a template of several varying parts copies
// each string part into the arena, those of up to 16 bytes as words or
// byte by byte: every length from 1 to 20 on either side of constant
// text of 0 to 17 bytes comes out whole.
func TestTemplateStringParts(t *testing.T) {
	const text = "abcdefghijklmnopqrstuvwxyz"
	tests := []struct {
		a, b int
		lit  string
	}{
		{1, 1, "|"}, {2, 3, ""}, {3, 4, "-"}, {4, 5, "|"}, {5, 6, "::"}, {6, 7, "abc"}, {7, 8, "::"}, {8, 9, "abc"},
		{9, 15, "|"}, {15, 16, "abcdefgh"}, {16, 17, "abcdefghijklmnopq"}, {17, 20, "|"}, {20, 1, "xyz"},
	}
	var attrs, fields strings.Builder
	for n := 1; n <= 20; n++ {
		fmt.Fprintf(&attrs, "    s%d = \"%s\"\n", n, text[26-n:])
	}
	want := map[string]string{}
	for i, tt := range tests {
		name := fmt.Sprintf("f%d", i)
		fmt.Fprintf(&fields, "      %s = \"${user.s%d}%s${user.s%d}\"\n", name, tt.a, tt.lit, tt.b)
		want[name] = text[26-tt.a:] + tt.lit + text[26-tt.b:]
	}
	src := `
scenario "tpl" {
  seed  = 5
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "user" {
  count = 20
  attributes {
` + attrs.String() + `  }
}
flow "f" {
  actor = entity.user
  session {
    count      = 2
    max_events = 8
  }
  gap     = "1m"
  initial = "a"
  state "a" {
    emit "events" {
` + fields.String() + `      h = "${hex(3)}${user.s5}"
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
	rows := runSource(t, src, 1)
	if len(rows) != 20*2*8 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		for field, w := range want {
			if s, _ := r[field].(string); s != w {
				t.Fatalf("%s = %q, want %q", field, s, w)
			}
		}
		if s, _ := r["h"].(string); !regexp.MustCompile(`^[0-9a-f]{3}vwxyz$`).MatchString(s) {
			t.Fatalf("h = %q", s)
		}
	}
}

// TestTemplateMixedParts: a template of several varying parts renders
// its constant text, the parts that read the environment (attributes,
// ctx, members of ctx rows) where they stand, and the parts that write
// their own text to the arena (hex, an inner template, format) from what
// they gave before rendering, each in its place, whatever their mix and
// order; non-string reads (an int, a float, a null) render as text.
func TestTemplateMixedParts(t *testing.T) {
	src := `
scenario "tpl" {
  seed  = 5
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "user" {
  count = 7
  attributes {
    s3 = "xyz"
    s9 = "abcdefghi"
    n  = index * 10
    f  = 2.5
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
    set = {
      k   = "q${user.s3}"
      row = { name = "r${index}", w = 4 }
      nul = null
    }
    emit "events" {
      m1 = "${hex(2)}:${user.s3}:${hex(4)}:${user.n}:${ctx.k}"
      m2 = "<${user.s9}${5}-${"x"}${ctx.row.name}|${format("%03d", user.n)}${ctx.nul}|${user.f}${ctx.row.w}>"
      m3 = "${user.s3}${"${user.s9}/${hex(1)}"}${user.s3}"
      m4 = "${user.n}${user.n}"
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
	rows := runSource(t, src, 1)
	if len(rows) != 7*2*3 {
		t.Fatalf("%d rows", len(rows))
	}
	seen := map[float64]bool{}
	for _, r := range rows {
		// m4 is user.n twice: n is its first half.
		m4, _ := r["m4"].(string)
		n, err := strconv.ParseFloat(m4[:len(m4)/2], 64)
		if err != nil || m4[len(m4)/2:] != m4[:len(m4)/2] {
			t.Fatalf("m4 = %q", m4)
		}
		seen[n] = true
		want := []struct{ field, re string }{
			{"m1", fmt.Sprintf(`^[0-9a-f]{2}:xyz:[0-9a-f]{4}:%g:qxyz$`, n)},
			{"m2", fmt.Sprintf(`^<abcdefghi5-xr%g\|%03d\|2\.54>$`, n/10, int(n))},
			{"m3", `^xyzabcdefghi/[0-9a-f]xyz$`},
		}
		for _, w := range want {
			if s, _ := r[w.field].(string); !regexp.MustCompile(w.re).MatchString(s) {
				t.Fatalf("%s = %q, want %s", w.field, s, w.re)
			}
		}
	}
	if len(seen) != 7 {
		t.Errorf("users seen: %v", seen)
	}
}
