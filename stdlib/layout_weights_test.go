package stdlib

import (
	"strings"
	"testing"
	"time"
)

// TestFormatTimeLayout: a constant layout with no element of Go's
// reference time is an error at compile time (with the Go layout of a
// strftime one); a Go layout formats in the scenario's zone.
func TestFormatTimeLayout(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Kolkata")
	at := TimeV(time.Date(2025, 6, 1, 4, 0, 5, 250e6, time.UTC).UnixMilli())
	f := formatTimeFunc()
	for _, tc := range []struct {
		layout string
		want   string // the text, or "error: <part of the message>"
	}{
		{"2006-01-02 15:04", "2025-06-01 09:30"},
		{"02/01/2006 15:04:05.000", "01/06/2025 09:30:05.250"},
		{"Mon Jan 2", "Sun Jun 1"},
		{"week of 2006-01-02!", "week of 2025-06-01!"},
		{"-07:00", "+05:30"},
		{"%Y-%m-%d %H:%M", `error: layout "%Y-%m-%d %H:%M" has no element of Go's reference time`},
		{"%Y-%m-%d %H:%M", `error: For the strftime layout "%Y-%m-%d %H:%M" write "2006-01-02 15:04"`},
		{"%d/%m/%y %I:%M %p", `error: write "02/01/06 03:04 PM"`},
		{"%F %T", `error: write "2006-01-02 15:04:05"`},
		{"YYYY-MM-DD", `error: layout "YYYY-MM-DD" has no element of Go's reference time`},
		{"", `error: layout "" has no element`},
	} {
		t.Run(tc.layout, func(t *testing.T) {
			cc := &CompileCtx{Loc: loc}
			l := StrV(tc.layout)
			impl, err := f.Compile(cc, []Arg{{Type: Time}, {Type: String, Const: &l}})
			if strings.HasPrefix(tc.want, "error: ") {
				msg := strings.TrimPrefix(tc.want, "error: ")
				ae, ok := err.(*ArgError)
				if !ok || ae.Index != 1 || !strings.Contains(ae.Msg, msg) {
					t.Fatalf("want an error on the layout saying %q, got %v", msg, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := impl.Fn(&Ctx{}, []Value{at, l}); got.S != tc.want {
				t.Errorf("got %q, want %q", got.S, tc.want)
			}
		})
	}
}

// TestWeightedNeedsConstants: weighted's weights are constants; the error
// for others says what to write instead (the reference used to suggest
// that non-constant weights were drawn some slower way).
func TestWeightedNeedsConstants(t *testing.T) {
	obj := ObjV([]string{"a", "b"}, []Value{IntV(3), IntV(1)})
	for _, tc := range []struct {
		name string
		arg  Arg
		want string // "" for no error
	}{
		{"constant", Arg{Type: Object, Const: &obj}, ""},
		{"per record", Arg{Type: Object}, `for weights that depend on the actor or record, pick among weighted draws with switch(key, { … }) or write bernoulli(p) ? "a" : "b"`},
		{"not a map", Arg{Type: List}, "weighted needs a map of outcomes to constant weights"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compileWeighted(&CompileCtx{}, []Arg{tc.arg})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error saying %q, got %v", tc.want, err)
			}
		})
	}
	if f, ok := New().Lookup("weighted"); !ok || !strings.Contains(f.Doc, "The weights are constants") {
		t.Error("the reference does not say the weights are constants")
	}
}
