package stdlib

import "github.com/brianvoe/gofakeit/v7"

// Fake values draw only from the actor's stream (Ctx.R). Where gofakeit is
// used, its Faker reads that stream through ctxSource, which looks c.R up at
// call time: the engine points R at a different actor's stream between
// records, and the faker must follow. gofakeit's Faker keeps no state apart
// from its Source (no cached bits, no buffered normals), so a fake value is
// a pure function of the stream position it starts at. Those values also
// depend on gofakeit's word lists, which is why go.mod pins its version:
// upgrading gofakeit can change output, so do it only with a scen major
// version (docs/determinism.md).

// ctxSource is a math/rand/v2 Source reading the current actor stream.
type ctxSource struct{ c *Ctx }

func (s ctxSource) Uint64() uint64 { return s.c.R.Uint64() }

// fakeState is the lazily created per-Ctx faker. owner guards against a Ctx
// copied by value: the copy gets its own faker bound to itself.
type fakeState struct {
	owner *Ctx
	f     *gofakeit.Faker
}

// faker returns the Ctx's faker, creating it on first use (once per Ctx,
// never per call). Not safe for concurrent use, like the Ctx itself.
func (c *Ctx) faker() *gofakeit.Faker {
	if c.fake == nil || c.fake.owner != c {
		c.fake = &fakeState{owner: c, f: gofakeit.NewFaker(ctxSource{c}, false)}
	}
	return c.fake.f
}

// fakePick returns one element of a static table.
func fakePick(r *Rand, l []string) string { return l[r.Uint64n(uint64(len(l)))] }

// fakeWeighted is a static categorical table drawn with an alias table.
type fakeWeighted struct {
	vals  []string
	alias *Alias
}

func newFakeWeighted(pairs ...any) *fakeWeighted {
	w := &fakeWeighted{}
	var ws []float64
	for i := 0; i < len(pairs); i += 2 {
		w.vals = append(w.vals, pairs[i].(string))
		ws = append(ws, pairs[i+1].(float64))
	}
	w.alias = NewAlias(ws)
	return w
}

func (w *fakeWeighted) draw(r *Rand) string { return w.vals[w.alias.Draw(r)] }

// fakeDigits appends n random decimal digits.
func fakeDigits(dst []byte, r *Rand, n int) []byte {
	for i := 0; i < n; i++ {
		dst = append(dst, byte('0'+r.Uint64n(10)))
	}
	return dst
}

// fakeArenaStr returns what was appended to the arena since start.
func fakeArenaStr(c *Ctx, start int) string {
	if len(c.Arena) == start {
		return ""
	}
	return unsafeString(c.Arena[start:len(c.Arena):len(c.Arena)])
}

// fakeOptString reads optional argument i as a string. It reports the constant
// value (absent and null count as "") or, for a run-time argument, dynamic.
func fakeOptString(args []Arg, i int, name string) (val string, dynamic bool, err error) {
	if i >= len(args) {
		return "", false, nil
	}
	a := args[i]
	if a.Const == nil {
		if a.Type != String && a.Type != Any && a.Type != Null {
			return "", false, argErr(i, "%s must be a string, got %s", name, a.Type)
		}
		return "", true, nil
	}
	switch a.Const.K {
	case Null:
		return "", false, nil
	case String:
		return a.Const.S, false, nil
	}
	return "", false, argErr(i, "%s must be a string, got %s", name, a.Const.K)
}

// fakeArgString is the run-time counterpart of fakeOptString.
func fakeArgString(v []Value, i int) string {
	if i < len(v) && v[i].K == String {
		return v[i].S
	}
	return ""
}

// fakeNoArgs compiles a fake function without parameters.
func fakeNoArgs(res Kind, fn func(c *Ctx) Value) func(cc *CompileCtx, args []Arg) (Impl, error) {
	return func(cc *CompileCtx, args []Arg) (Impl, error) {
		return Impl{Result: res, Sample: fn}, nil
	}
}

// fakeWithOptString compiles a function of one optional string argument: a
// constant argument is checked once by prep, which returns the sampler; a
// run-time argument is prepared per call (an invalid value gives null).
func fakeWithOptString(name string, res Kind, prep func(s string) (func(c *Ctx) Value, error)) func(cc *CompileCtx, args []Arg) (Impl, error) {
	return func(cc *CompileCtx, args []Arg) (Impl, error) {
		s, dyn, err := fakeOptString(args, 0, name)
		if err != nil {
			return Impl{}, err
		}
		if !dyn {
			fn, err := prep(s)
			if err != nil {
				return Impl{}, argErr(0, "%s", err)
			}
			return Impl{Result: res, Sample: fn}, nil
		}
		return Impl{Result: res, Fn: func(c *Ctx, v []Value) Value {
			fn, err := prep(fakeArgString(v, 0))
			if err != nil {
				c.Fail(argErr(0, "%s", err))
				return NullV()
			}
			return fn(c)
		}}, nil
	}
}
