package report

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fieldsScenario: states view and pay write one stream, view with page
// and note, pay with amount and note; evField adds ev = state.name to
// both (a constant that tells them apart). Written as JSON lines and CSV.
func fieldsScenario(evField string) string {
	return `
scenario "p" {
  seed     = 2
  timezone = "UTC"
  start    = "2025-01-01"
  end      = "2025-01-08"
}
entity "user" {
  count = 200
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.user
  session {
    arrivals   = arrivals(2)
    max_events = 4
  }
  gap     = "30s"
  initial = "view"
  state "view" {
    emit "ev" {
      id   = user.id
      ts   = event.time
      ` + evField + `
      page = weighted({ home = 1, cart = 1 })
      note = "v-${user.id}"
    }
    next = { pay = 0.5, end = 0.5 }
  }
  state "pay" {
    delay = "1m"
    emit "ev" {
      id     = user.id
      ts     = event.time
      ` + evField + `
      amount = uniform(1, 9)
      note   = "p-${user.id}"
    }
    next = { end = 1 }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
sink "evc" {
  type   = "csv"
  stream = "ev"
  path   = "ev.csv"
}
`
}

// TestReportFieldsByPresence: the fields check tells the records of
// emits that no constant field tells apart by the fields they hold (a
// record holding page is view's: pay writes none), as the actor share
// does, and checks each emit's fields in its own records. It said "not
// tested" for such a stream, and, with a state field, passed a field
// dropped from one state's records because another state's records hold
// it (the column was there).
func TestReportFieldsByPresence(t *testing.T) {
	const ev = `ev = state.name`
	dropNote := func(m map[string]any) {
		if m["page"] != nil {
			delete(m, "note")
		}
	}
	dropPage := func(m map[string]any) { delete(m, "page") }
	nullNote := [][2]string{{`attributes { id = "u${index}" }`, `attributes {
    id   = "u${index}"
    none = index < 0 ? "x" : null
  }`}, {`note = "v-${user.id}"`, `note = user.none`}}
	for _, tc := range []struct {
		name, evField string
		csv           bool
		edit          func(m map[string]any)
		pass          bool
		test, words   string
		swap          [][2]string // edits of the scenario
		note          string      // a note the report must hold
	}{
		{"no state field", "", false, nil, true, "exact", "every field of the records' emits is present", nil, ""},
		{"no state field, CSV", "", true, nil, true, "exact", "every field of the records' emits is present", nil, ""},
		{"state field", ev, false, nil, true, "exact", "every field of the records' emits is present", nil, ""},
		{"no state field, note dropped from view's records", "", false, dropNote, false, "exact",
			`state "view" of flow "f" writes note, which none of its `, nil, ""},
		{"state field, note dropped from view's records", ev, false, dropNote, false, "exact",
			`state "view" of flow "f" writes note, which none of its `, nil, ""},
		{"state field, page dropped", ev, false, dropPage, false, "exact", "no file holds page", nil, ""},
		// view's note may be null (an attribute null for every user): it
		// is in none of view's records, by design; a note says so.
		{"state field, a field null in all of one state's records", ev, false, nil, true, "exact", "every field of the records' emits is present",
			nullNote, `state "view" of flow "f" writes note, which none of its`},
		{"no state field, a field null in all of one state's records", "", false, nil, true, "exact", "every field of the records' emits is present",
			nullNote, `state "view" of flow "f" writes note, which none of its`},
		{"state field, a field that may be null dropped", ev, false, dropNote, true, "exact", "every field of the records' emits is present",
			nullNote, `state "view" of flow "f" writes note, which none of its`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := fieldsScenario(tc.evField)
			for _, sw := range tc.swap {
				if !strings.Contains(src, sw[0]) {
					t.Fatalf("no %q in the scenario", sw[0])
				}
				src = strings.Replace(src, sw[0], sw[1], 1)
			}
			plan, dir := compileRun(t, src, 2)
			path := filepath.Join(dir, "ev.jsonl")
			if tc.csv {
				path = filepath.Join(dir, "ev.csv")
			}
			if tc.edit != nil {
				rewriteJSONL(t, path, tc.edit)
			}
			// Read as scen report reads: the presence of the fields is
			// read with the others, while the files are checked, in no
			// pass of its own.
			spec := plan.Introspect()
			in, err := ReadInputFor([]string{path}, func(cols []string) ([][]string, []string) {
				return ReadFields(spec, Options{}, cols)
			})
			if err != nil {
				t.Fatal(err)
			}
			r, err := Build(spec, in, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if in.passes != 0 {
				t.Errorf("%d passes over the files after checking them, want 0", in.passes)
			}
			c := findCheck(t, r, Fields, "fields")
			if c.Pass != tc.pass || c.Test != tc.test || !strings.Contains(c.Detail, tc.words) {
				t.Errorf("pass %v, test %s: %s; want pass %v, test %s, %q", c.Pass, c.Test, c.Detail, tc.pass, tc.test, tc.words)
			}
			if tc.note != "" && !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, tc.note) }) {
				t.Errorf("no note %q in %q", tc.note, r.Notes)
			}
		})
	}
}
