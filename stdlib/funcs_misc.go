package stdlib

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pure wraps a deterministic function of its argument values; the engine
// folds it when every argument is constant.
func pure(name, cat, doc string, params []Param, result Kind, ex []Example, fn func(cc *CompileCtx, a []Value) Value) *Func {
	return &Func{Name: name, Category: cat, Doc: doc, Params: params, Result: result, Examples: ex,
		Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
			if err := checkArgs(params, args); err != nil {
				return Impl{}, err
			}
			return Impl{Result: result, Fn: func(c *Ctx, v []Value) Value { return fn(cc, v) }}, nil
		}}
}

// pureArena is pure for functions that build their result in the record
// arena (Ctx.NewList): still no randomness, so constant calls are folded.
func pureArena(name, cat, doc string, params []Param, result Kind, ex []Example, fn func(c *Ctx, a []Value) Value) *Func {
	return &Func{Name: name, Category: cat, Doc: doc, Params: params, Result: result, Examples: ex,
		Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
			if err := checkArgs(params, args); err != nil {
				return Impl{}, err
			}
			return Impl{Result: result, Fn: fn}, nil
		}}
}

// pure1Arena is pureArena for a function of one argument, written as a
// function of that value: its Impl has Fn1 beside Fn, so the engine
// calls it with the value it evaluated, without pushing it on its stack
// and reading it back as a slice (len(ctx.listed) > 0, int("3")).
func pure1Arena(name, cat, doc string, params []Param, result Kind, ex []Example, fn1 func(c *Ctx, x Value) Value) *Func {
	return &Func{Name: name, Category: cat, Doc: doc, Params: params, Result: result, Examples: ex,
		Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
			if err := checkArgs(params, args); err != nil {
				return Impl{}, err
			}
			return Impl{Result: result, Fn: func(c *Ctx, a []Value) Value { return fn1(c, a[0]) }, Fn1: fn1}, nil
		}}
}

func checkArgs(params []Param, args []Arg) error {
	for i, a := range args {
		pi := i
		if pi >= len(params) {
			pi = len(params) - 1
		}
		if ks := params[pi].Kinds; len(ks) > 0 {
			if a.Type == Any || slices.Contains(ks, a.Type) {
				continue
			}
			return argErr(i, "%s must be %s, got %s%s", params[pi].Name, KindsText(ks), a.Type, quotedNumber(a))
		}
		want := params[pi].Type
		if want == Any || a.Type == Any || a.Type == want || (want == Float && a.Type == Int) || (want == Int && a.Type == Float && params[pi].Whole) {
			continue
		}
		what := Article(want.String())
		if want == Float {
			what = "a number"
		}
		return argErr(i, "%s must be %s, got %s%s", params[pi].Name, what, a.Type, quotedNumber(a))
	}
	return nil
}

// KindsText is "a list or null", "a string, list, object or null": the
// kinds ks, for a message or the reference.
func KindsText(ks []Kind) string {
	s := ""
	for i, k := range ks {
		switch {
		case i == 0:
			s = Article(k.String())
		case i == len(ks)-1:
			s += " or " + k.String()
		default:
			s += ", " + k.String()
		}
	}
	return s
}

// quotedNumber is QuotedNumber's hint as the end of an argument's message
// (". "10" is a string: …"), for a constant string argument, or "".
func quotedNumber(a Arg) string {
	if a.Const == nil || a.Const.K != String {
		return ""
	}
	if h := QuotedNumber(a.Const.S); h != "" {
		return ". " + h
	}
	return ""
}

// QuotedNumber is a hint for a string given where a number goes, when
// the string is a number in quotes: `"10" is a string: write the number
// without quotes (10)`; "" for any other string.
func QuotedNumber(s string) string {
	t := strings.TrimSpace(s)
	if _, err := strconv.ParseFloat(t, 64); err != nil {
		return ""
	}
	return fmt.Sprintf("%q is a string: write the number without quotes (%s)", s, t)
}

// Article is "an int", "a duration": a type's name with its article.
func Article(name string) string {
	if name != "" && (strings.ContainsRune("aeiou", rune(name[0])) || strings.HasPrefix(name, "hour")) {
		return "an " + name
	}
	return "a " + name
}

func durFunc(name string, unit int64, ex string, want string) *Func {
	// A duration is whole milliseconds, at most MaxDurationMs (about 292
	// years) either way; n beyond that, or not a number, has none: null,
	// and a fault where a Ctx can take one (a conversion would wrap).
	of := func(n float64) Value {
		ms := n * float64(unit)
		// A whole number of milliseconds (seconds(uniform(5, 200)), the
		// usual gap) is its own rounding: a conversion there and back
		// instead of math.Round's bit work, some fifteen instructions.
		// (Beyond int64 or NaN the conversion is not exact: rounded.)
		if float64(int64(ms)) != ms {
			ms = math.Round(ms)
		}
		if !(ms >= -MaxDurationMs && ms <= MaxDurationMs) {
			return NullV()
		}
		return DurV(int64(ms))
	}
	f := pureArena(name, "time", fmt.Sprintf("A duration of n %s (n may be fractional).", name),
		[]Param{{Name: "n", Type: Float}}, Duration,
		[]Example{{Expr: ex, Want: want}},
		func(c *Ctx, a []Value) Value {
			if a[0].K == Null {
				return NullV()
			}
			v := of(a[0].Num())
			if v.K == Null {
				c.Fail(argErr(0, "n (%s) %s is beyond the longest duration, %s", a[0].String(), name, DurV(MaxDurationMs).String()))
			}
			return v
		})
	f.Unary, f.Scale = of, unit
	return f
}

func timeFuncs() []*Func {
	return []*Func{
		durFunc("milliseconds", 1, "milliseconds(1500)", "1.5s"),
		durFunc("seconds", 1000, "seconds(90)", "1m30s"),
		durFunc("minutes", 60000, "minutes(2.5)", "2m30s"),
		durFunc("hours", 3600000, "hours(36)", "36h0m0s"),
		durFunc("days", 86400000, "days(2)", "48h0m0s"),
		pureArena("duration", "time", `Parses a duration: units ms, s, m, h, d, w, combined as in "1h30m".`,
			[]Param{{Name: "text", Type: String}}, Duration,
			[]Example{{Expr: `duration("1d12h")`, Want: "36h0m0s"}},
			func(c *Ctx, a []Value) Value {
				if a[0].K == Null {
					return NullV()
				}
				ms, err := ParseDuration(a[0].S)
				if err != nil {
					c.Fail(argErr(0, "%v", err))
					return NullV()
				}
				return DurV(ms)
			}),
		{Name: "time", Category: "time", Doc: "Parses an RFC 3339 timestamp, or a local date/time read in the scenario's time zone. " +
			"Text in neither form is null (a constant is an error); a local time that does not exist (in a daylight-saving gap) " +
			"and a time outside the years 1-9999 are errors.",
			Params: []Param{{Name: "text", Type: String}}, Result: Time,
			Examples: []Example{{Expr: `time("2025-06-01T09:30:00+09:00")`, Want: "2025-06-01T00:30:00.000Z"}},
			Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
				params := []Param{{Name: "text", Type: String}}
				if err := checkArgs(params, args); err != nil {
					return Impl{}, err
				}
				if k := args[0].Const; k != nil && k.K == String {
					if _, err := ParseTime(k.S, cc.Loc); err != nil {
						return Impl{}, argErr(0, "%v", err)
					}
				}
				loc := cc.Loc
				return Impl{Result: Time, Fn: func(c *Ctx, a []Value) Value {
					if a[0].K != String {
						return NullV()
					}
					ms, err := ParseTime(a[0].S, loc)
					if err != nil {
						// Text that is no time is null; a time that
						// does not exist, or cannot be written, is not.
						if _, syntax := err.(*TimeSyntaxError); !syntax {
							c.Fail(argErr(0, "%v", err))
						}
						return NullV()
					}
					return TimeV(ms)
				}}, nil
			}},
		zoned("hour", "The local hour of day (0-23) of t in the scenario's time zone, or in zone (an IANA name such as \"America/Chicago\", which may come from the actor: a city's zone).", Int,
			[]Example{{Expr: `hour(time("2025-06-01T09:30:00Z"))`, Want: "9"}, {Expr: `hour(time("2025-06-01T09:30:00Z"), "America/Chicago")`, Want: "4"}},
			func(t time.Time) Value { return IntV(int64(t.Hour())) }),
		zoned("weekday", `The local weekday of t as a lowercase three-letter name ("mon" … "sun"), in the scenario's time zone or in zone.`, String,
			[]Example{{Expr: `weekday(time("2025-06-01T09:30:00Z"))`, Want: "sun"}, {Expr: `weekday(time("2025-06-01T01:30:00Z"), "America/New_York")`, Want: "sat"}},
			func(t time.Time) Value { return StrV(strings.ToLower(t.Weekday().String()[:3])) }),
		zoned("date", "The local calendar date of t as YYYY-MM-DD, in the scenario's time zone or in zone.", String,
			[]Example{{Expr: `date(time("2025-06-01T23:30:00-01:00"))`, Want: "2025-06-02"}, {Expr: `date(time("2025-06-01T23:30:00Z"), "Asia/Tokyo")`, Want: "2025-06-02"}},
			func(t time.Time) Value { return StrV(t.Format("2006-01-02")) }),
		formatTimeFunc(),
		pure("unix", "time", "Seconds since the Unix epoch (null for a null time).",
			[]Param{{Name: "t", Type: Time}}, Int,
			[]Example{{Expr: `unix(time("2025-06-01T00:00:00Z"))`, Want: "1748736000"}},
			func(cc *CompileCtx, a []Value) Value {
				if a[0].K != Time {
					return NullV()
				}
				return IntV(floorDiv(a[0].I, 1000))
			}),
	}
}

// zoned is a function of a time read on a local clock: t's, in the
// scenario's zone or in the optional zone argument (see zonedAt).
func zoned(name, doc string, result Kind, ex []Example, fn func(t time.Time) Value) *Func {
	return zonedAt(name, doc, []Param{{Name: "t", Type: Time}}, result, ex, func(_ *Ctx, t time.Time, _ []Value) Value { return fn(t) })
}

// zones caches the time zones read at run time, by IANA name.
var zones sync.Map // string → *time.Location

// LoadZone is the zone named name (an IANA name; not "" nor "Local"),
// loaded once per process and kept: callers may ask per actor.
func LoadZone(name string) (*time.Location, error) { return loadZone(name) }

// loadZone is the zone named name, loaded once per process.
func loadZone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		// time.LoadLocation reads "" as UTC and "Local" as the machine's
		// zone: neither is the IANA name a scenario means.
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	// The name may be text of a record arena, rewritten after the
	// record: the map and the location keep a copy.
	name = strings.Clone(name)
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q (an IANA name such as \"America/Chicago\" or \"Asia/Seoul\")", name)
	}
	zones.Store(name, l)
	return l, nil
}

// zonedAt is zoned for a function of more arguments (params, the time
// first; fn may report a fault in c); the last, optional, is the zone: a constant one is loaded (and
// checked) when the scenario compiles, one drawn at run time (a city's
// zone) when it is first met; a null zone is the scenario's.
func zonedAt(name, doc string, params []Param, result Kind, ex []Example, fn func(c *Ctx, t time.Time, a []Value) Value) *Func {
	all := append(slices.Clone(params), Param{Name: "zone", Type: String, Optional: true})
	return &Func{Name: name, Category: "time", Doc: doc, Params: all, Result: result, Examples: ex,
		Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
			if err := checkArgs(all, args); err != nil {
				return Impl{}, err
			}
			def := cc.Loc
			if def == nil {
				def = time.UTC
			}
			n := len(params)
			if len(args) <= n {
				return Impl{Result: result, Fn: func(c *Ctx, a []Value) Value {
					if a[0].K != Time {
						return NullV()
					}
					return fn(c, time.UnixMilli(a[0].I).In(def), a)
				}}, nil
			}
			if z := args[n].Const; z != nil && z.K == String {
				loc, err := loadZone(z.S)
				if err != nil {
					return Impl{}, argErr(n, "%v", err)
				}
				def = loc
				return Impl{Result: result, Fn: func(c *Ctx, a []Value) Value {
					if a[0].K != Time {
						return NullV()
					}
					return fn(c, time.UnixMilli(a[0].I).In(loc), a)
				}}, nil
			}
			return Impl{Result: result, Fn: func(c *Ctx, a []Value) Value {
				if a[0].K != Time {
					return NullV()
				}
				loc := def
				if z := a[n]; z.K == String {
					l, err := loadZone(z.S)
					if err != nil {
						c.Fail(argErr(n, "%v", err))
						return NullV()
					}
					loc = l
				} else if z.K != Null {
					c.Fail(argErr(n, "zone must be a string (an IANA name), got %s", z.K))
					return NullV()
				}
				return fn(c, time.UnixMilli(a[0].I).In(loc), a)
			}}, nil
		}}
}

func localTime(cc *CompileCtx, v Value) time.Time {
	loc := cc.Loc
	if loc == nil {
		loc = time.UTC
	}
	return time.UnixMilli(v.I).In(loc)
}

func stringFuncs() []*Func {
	return []*Func{
		pure("upper", "string", "Upper-cases s.", []Param{{Name: "s", Type: String}}, String,
			[]Example{{Expr: `upper("abc")`, Want: "ABC"}},
			func(cc *CompileCtx, a []Value) Value { return mapStr(a[0], strings.ToUpper) }),
		pure("lower", "string", "Lower-cases s.", []Param{{Name: "s", Type: String}}, String,
			[]Example{{Expr: `lower("ABC")`, Want: "abc"}},
			func(cc *CompileCtx, a []Value) Value { return mapStr(a[0], strings.ToLower) }),
		formatFunc(),
		pure("string", "string", "The text form of v (times in UTC RFC 3339, durations like 1m30s); null stays null (a template writes it as nothing: \"id-${x}\").",
			[]Param{{Name: "v", Type: Any}}, String,
			[]Example{{Expr: `string(42)`, Want: "42"}},
			func(cc *CompileCtx, a []Value) Value {
				if a[0].K == Null {
					return a[0]
				}
				return StrV(a[0].String())
			}),
		pure("json", "string", "v encoded as a JSON string. In an emit block, json({...}) writes the object as a JSON-encoded string field.",
			[]Param{{Name: "v", Type: Any}}, String,
			[]Example{{Expr: `json({ page = "main", n = 2 })`, Want: `{"page":"main","n":2}`}},
			func(cc *CompileCtx, a []Value) Value {
				return StrV(string(AppendJSON(nil, a[0], NewTimeFormatter(cc.Loc))))
			}),
	}
}

// mapStr is fn(v) for a string v; null stays null.
func mapStr(v Value, fn func(string) string) Value {
	if v.K == Null {
		return v
	}
	return StrV(fn(v.S))
}

func goValue(v Value) any {
	switch v.K {
	case Int:
		return v.I
	case Float:
		return v.Float()
	case Bool:
		return v.I != 0
	case String:
		return v.S
	}
	return v.String()
}

func mathFuncs() []*Func {
	f1 := func(name, doc string, ex Example, fn func(float64) float64, result Kind) *Func {
		return pureArena(name, "math", doc, []Param{{Name: "x", Type: Float}}, result, []Example{ex},
			func(c *Ctx, a []Value) Value {
				if a[0].K == Null {
					return NullV() // not the NaN Num gives, nor a fault
				}
				r := fn(a[0].Num())
				if result == Int {
					return toInt(c, r)
				}
				return FloatV(r)
			})
	}
	return []*Func{
		f1("floor", "Largest integer not above x (null when x is null).", Example{Expr: "floor(2.7)", Want: "2"}, math.Floor, Int),
		f1("ceil", "Smallest integer not below x (null when x is null).", Example{Expr: "ceil(2.1)", Want: "3"}, math.Ceil, Int),
		pure1Arena("int", "math", "x truncated toward zero; a string is parsed as a number first (int(\"42\") is 42), null when it is not one (a constant that is not a number is an error).",
			[]Param{{Name: "x", Type: Any}}, Int,
			[]Example{{Expr: "int(-2.7)", Want: "-2"}, {Expr: `int("17")`, Want: "17"}},
			func(c *Ctx, x Value) Value {
				if x.K == String {
					if n, ok := digitsInt(x.S); ok {
						return IntV(n)
					}
					s := strings.TrimSpace(x.S)
					// An integer is read as one: exactly (a float rounds
					// past 2^53), and without the float parser's work.
					if i, err := strconv.ParseInt(s, 10, 64); err == nil {
						return IntV(i)
					}
					f, err := strconv.ParseFloat(s, 64)
					if err != nil {
						return NullV()
					}
					return toInt(c, math.Trunc(f))
				}
				if x.K == Null {
					return NullV()
				}
				return toInt(c, math.Trunc(x.Num()))
			}),
		pureArena("float", "math", "x as a float; a string is parsed as a number first (float(\"0.5\") is 0.5), null when it is not one (a constant that is not a number is an error).",
			[]Param{{Name: "x", Type: Any}}, Float,
			[]Example{{Expr: "float(2)", Want: "2"}, {Expr: `float("0.5")`, Want: "0.5"}},
			func(c *Ctx, a []Value) Value {
				switch x := a[0]; x.K {
				case String:
					f, err := strconv.ParseFloat(strings.TrimSpace(x.S), 64)
					if err != nil {
						return NullV()
					}
					return FloatV(f)
				case Int, Float:
					return FloatV(x.Num())
				case Null:
					return NullV()
				}
				c.Fail(argErr(0, "x must be a number or a string that holds one, got %s", a[0].K))
				return NullV()
			}),
		pureArena("abs", "math", "Absolute value (null when x is null).", []Param{{Name: "x", Type: Float}}, Any,
			[]Example{{Expr: "abs(-3)", Want: "3"}},
			func(c *Ctx, a []Value) Value {
				if a[0].K == Null {
					return NullV()
				}
				if a[0].K == Int {
					if a[0].I < 0 {
						if a[0].I == math.MinInt64 {
							c.Fail(argErr(0, "abs(%d) is outside the int range", a[0].I))
							return NullV()
						}
						return IntV(-a[0].I)
					}
					return a[0]
				}
				return FloatV(math.Abs(a[0].Num()))
			}),
		roundFunc(),
		pure("min", "math", "The smallest argument (ints and floats compared by exact value; ints with floats give a float: min(1, 2.5) is 1.0). NaN, which is unordered, makes the result NaN wherever it appears, as Go's math.Min does.", []Param{{Name: "x", Type: Float, Variadic: true}}, Any,
			[]Example{{Expr: "min(3, 1, 2)", Want: "1"}},
			func(cc *CompileCtx, a []Value) Value {
				// Two ints (recipe's min(rank, len(list))): the first unless
				// the second is smaller, as pickNum's exact comparison.
				if len(a) == 2 && a[0].K == Int && a[1].K == Int {
					if a[1].I < a[0].I {
						return a[1]
					}
					return a[0]
				}
				return pickNum(a, func(x, y float64) bool { return x < y })
			}),
		pure("max", "math", "The largest argument (ints and floats compared by exact value; ints with floats give a float: max(3, 2.5) is 3.0). NaN, which is unordered, makes the result NaN wherever it appears, as Go's math.Max does.", []Param{{Name: "x", Type: Float, Variadic: true}}, Any,
			[]Example{{Expr: "max(3, 1, 2)", Want: "3"}},
			func(cc *CompileCtx, a []Value) Value {
				if len(a) == 2 && a[0].K == Int && a[1].K == Int { // as min's
					if a[1].I > a[0].I {
						return a[1]
					}
					return a[0]
				}
				return pickNum(a, func(x, y float64) bool { return x > y })
			}),
		clampFunc(),
		distanceKm(),
		pure("coalesce", "math", "The first argument that is not null (null when all are); ints with floats give a float (coalesce(null, 1, 2.5) is 1.0).",
			[]Param{{Name: "values", Type: Any, Variadic: true}}, Any,
			[]Example{{Expr: `coalesce(null, "b", "c")`, Want: "b"}},
			func(cc *CompileCtx, a []Value) Value {
				for _, v := range a {
					if v.K != Null {
						return v
					}
				}
				return NullV()
			}),
		pureArena("sum", "math", "The sum of a list's numbers (nulls are skipped; an empty list sums to 0): an int when every element is one, else a float. sum(pluck(rows, \"price\")) totals a column.",
			[]Param{{Name: "list", Type: List}}, Any,
			[]Example{{Expr: `sum([1, 2, 3])`, Want: "6"}, {Expr: `sum([1, 2.5, null])`, Want: "3.5"}},
			func(c *Ctx, a []Value) Value {
				var n int64
				f, float := 0.0, false
				for i, x := range a[0].List() {
					switch x.K {
					case Null:
					case Int:
						if s := n + x.I; !float && (x.I > 0 && s < n || x.I < 0 && s > n) {
							c.Fail(argErr(0, "the sum of list's ints is outside the int range (at element %d)", i))
							return NullV()
						} else {
							n = s
						}
						f += float64(x.I)
					case Float:
						float = true
						f += x.Num()
					default:
						c.Fail(argErr(0, "list's element %d is %s, not a number", i, Article(x.K.String())))
						return NullV()
					}
				}
				if float {
					return FloatV(f)
				}
				return IntV(n)
			}),
		pure1Arena("len", "math", "The length of a string (in bytes), list or object; len(null) is 0. Of another kind (a number) it is an error.", []Param{{Name: "v", Type: Any, Kinds: []Kind{String, List, Object, Null}}}, Int,
			[]Example{{Expr: `len([1, 2, 3])`, Want: "3"}},
			func(c *Ctx, x Value) Value {
				switch x.K {
				case String:
					return IntV(int64(len(x.S)))
				case List:
					return IntV(int64(len(x.List())))
				case Object:
					return IntV(int64(len(x.Obj().Keys)))
				case Null:
					return IntV(0)
				}
				c.Fail(argErr(0, "v must be a string, list, object or null, got %s", Article(x.K.String())))
				return NullV()
			}),
	}
}

// toInt converts a whole float to an int; one outside the int range (or
// not a number) is a fault, not the wrapped garbage a Go conversion gives.
func toInt(c *Ctx, f float64) Value {
	if !(f >= -(1<<63) && f < 1<<63) {
		c.Fail(argErr(0, "x (%s) is outside the int range", FloatV(f).String()))
		return NullV()
	}
	return IntV(int64(f))
}

// haversineKm is the great-circle distance between two points in degrees.
func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	// h lies in [0, 1]; with a latitude beyond ±90 rounding can take it
	// just below 0, whose square root is NaN.
	return 2 * 6371 * math.Asin(math.Sqrt(math.Min(1, math.Max(0, h))))
}

// pow10s are 10^0 to 10^22, every one exact in a float64.
var pow10s = func() (t [23]float64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// powTen is math.Pow(10, d), from a table for the usual digits (round's:
// bank rounds three amounts and coordinates per transaction, and
// math.Pow was 2.4 % of its instructions).
// roundFunc is round. With constant digits (round(x, 2), bank's amounts,
// a million calls a run), its Fn1 takes the power of ten found at compile
// time and rounds the first argument's value alone.
func roundFunc() *Func {
	f := pure("round", "math", "x rounded half away from zero to the given number of decimal places (default 0); null when x or digits is null.",
		[]Param{{Name: "x", Type: Float}, {Name: "digits", Type: Int, Optional: true}}, Float,
		[]Example{{Expr: "round(3.14159, 2)", Want: "3.14"}},
		func(cc *CompileCtx, a []Value) Value {
			if a[0].K == Null || len(a) > 1 && a[1].K == Null {
				return NullV()
			}
			d := int64(0)
			if len(a) > 1 {
				d = a[1].I
			}
			return roundPow(a[0].Num(), powTen(d))
		})
	compile := f.Compile
	f.Compile = func(cc *CompileCtx, args []Arg) (Impl, error) {
		impl, err := compile(cc, args)
		if err != nil {
			return impl, err
		}
		switch {
		case len(args) == 1:
			impl.Fn1 = roundBy(powTen(0))
		case args[1].Const != nil && args[1].Const.K == Int:
			impl.Fn1 = roundBy(powTen(args[1].Const.I))
		}
		return impl, nil
	}
	return f
}

// roundBy is round's Fn1 for the power of ten p of constant digits, a
// float first (bank's round(lognormal(…), 2), 1.09 M a run). Not inlined:
// its closure, cloned into round's Compile by inlining, was compiled with
// nothing inlined into it (NullV and Value.Num were calls).
//
//go:noinline
func roundBy(p float64) func(*Ctx, Value) Value {
	return func(_ *Ctx, x Value) Value {
		switch x.K {
		case Float:
			return roundPow(x.Float(), p)
		case Null:
			return NullV()
		}
		return roundPow(x.Num(), p)
	}
}

// roundPow is x rounded half away from zero to a multiple of 1/p, for p
// a power of ten (powTen).
func roundPow(x, p float64) Value {
	if x == 0 || x != x {
		return FloatV(x)
	}
	if p == 0 {
		// 10^digits below the smallest float: every float is nearer 0
		// than half of it.
		return FloatV(0)
	}
	y := x * p
	if math.IsInf(y, 0) {
		// A float this large has no digits below 10^-digits to round
		// away (x*p/p gave ±Inf or NaN).
		return FloatV(x)
	}
	return FloatV(math.Round(y) / p)
}

func powTen(d int64) float64 {
	if d >= 0 && d < int64(len(pow10s)) {
		return pow10s[d]
	}
	return math.Pow(10, float64(d))
}

// digitsInt reads s when it is 1 to 18 decimal digits and nothing else
// (what int() of weighted({ "1" = …, "10" = … }) gets), as
// strconv.ParseInt(s, 10, 64) would, leading zeros included, without its
// call and error: int()'s common case. ok is false for anything else.
func digitsInt(s string) (n int64, ok bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		n = 10*n + int64(d)
	}
	return n, true
}

func pickNum(a []Value, better func(x, y float64) bool) Value {
	if len(a) == 0 {
		return NullV()
	}
	// NaN anywhere is the result: otherwise min(NaN, 1) was NaN and
	// min(1, NaN) was 1, the order of the arguments deciding.
	for _, v := range a {
		if v.K == Float && v.Float() != v.Float() {
			return v
		}
	}
	best := a[0]
	for _, v := range a[1:] {
		if isNum(v.K) && isNum(best.K) {
			// By exact value: two ints beyond 2^53 (or an int and a
			// float) are not rounded to floats to compare.
			if c, ok := CompareNumbers(v, best); ok && better(float64(c), 0) {
				best = v
			}
			continue
		}
		if better(v.Num(), best.Num()) {
			best = v
		}
	}
	return best
}

func specialFuncs() []*Func {
	return []*Func{
		{
			Name: "arrivals", Category: "special", Special: true, Result: Any,
			Doc: "A non-homogeneous Poisson arrival process for session starts, used as `session { arrivals = … }`. " +
				"rate_per_day is the mean number of sessions per day (it may depend on the actor, e.g. " +
				"user.events_per_day / 6); 0 gives the actor no sessions, and a negative rate (or null) is an error. The profiles (distribution.NAME of kind hourly, weekly, monthly or dates, " +
				"in a list, or one alone without brackets: arrivals(2, distribution.hourly) is arrivals(2, [distribution.hourly])) " +
				"shape it in the scenario's time zone. Hourly, weekly and monthly profiles are scaled to mean 1 (a monthly one " +
				"over its 12 values, not weighted by the months' lengths), so the rate stays the average over a uniform week; " +
				"a dates profile's factors apply as written; profiles multiply. Sampled exactly, hour by hour by inversion " +
				"(or by thinning when arrivals are rare), at millisecond resolution without bias in the rate, however high. " +
				"DST is exact: a local hour that does not " +
				"exist gets no arrivals and a repeated hour gets arrivals in both occurrences. " +
				"active_days (more than 0, at most 1) makes the actor active on that share of its local days, drawn " +
				"independently day by day: on an active day the rate is rate_per_day / active_days, on the others there " +
				"are no sessions, so the mean stays rate_per_day while activity comes in days, as real users' does " +
				"(idle days, busy days). It depends only on the actor (an attribute, a constant); the days are drawn " +
				"from the seed, the actor and the date, so flows of one actor with the same share are active on the same " +
				"days, and with a smaller share on a subset of them.",
			Params: []Param{{Name: "rate_per_day", Type: Float}, {Name: "profiles", Type: List, Optional: true},
				{Name: "active_days", Type: Float, Optional: true, Doc: "share of days the actor is active, in (0, 1]; default 1"}},
		},
		{
			Name: "mixture", Category: "distribution", Special: true, Random: true, Result: Any,
			Doc: "A mixture distribution: picks a component with probability proportional to its weight (alias " +
				"table), then draws from that component only. Components are any expressions, e.g. distributions " +
				"with different parameters.",
			Params: []Param{{Name: "weights", Type: List, Doc: "constant weights: a literal list, or a variable that holds one"}, {Name: "components", Type: List, Doc: "a literal list of expressions, one per weight"}},
			Examples: []Example{
				{Expr: `mixture([0.9, 0.1], [uniform(1, 10), uniform(100, 1000)])`, Seed: 1, Want: "6"},
			},
		},
		{
			Name: "switch", Category: "special", Special: true, Result: Any,
			Doc: "Picks the branch whose key equals the value of key; only that branch is evaluated (so a random " +
				"branch draws only when chosen). A `default` key catches everything else; without one, an " +
				"unmatched key gives null.",
			Params: []Param{{Name: "key", Type: Any}, {Name: "branches", Type: Object, Doc: "a literal object of expressions, or a variable that holds an object of values"}},
			Examples: []Example{
				{Expr: `switch("b", { a = 1, b = 2, default = 0 })`, Want: "2"},
			},
		},
	}
}

// formatTimeFunc is format_time. A constant layout with no element of Go's
// reference time ("%Y-%m-%d", "YYYY-MM-DD") would write itself into every
// record: an error, with the Go layout of strftime directives.
func formatTimeFunc() *Func {
	f := zonedAt("format_time", "Formats t in the scenario's time zone, or in zone (an IANA name), with a Go reference layout (2006-01-02 15:04:05: 2006 year, 01 month, 02 day, 15 hour, 04 minute, 05 second, .000 milliseconds, Mon weekday, Jan month name, -07:00 offset). A layout with none of these (strftime's \"%Y-%m-%d\") is an error.",
		[]Param{{Name: "t", Type: Time}, {Name: "layout", Type: String}}, String,
		[]Example{{Expr: `format_time(time("2025-06-01T09:30:00Z"), "02/01/2006 15:04")`, Want: "01/06/2025 09:30"},
			{Expr: `format_time(time("2025-06-01T09:30:00Z"), "15:04 -07:00", "Europe/Berlin")`, Want: "11:30 +02:00"}},
		func(c *Ctx, t time.Time, a []Value) Value {
			start := len(c.Arena)
			c.Arena = t.AppendFormat(c.Arena, a[1].S)
			return StrV(unsafeString(c.Arena[start:len(c.Arena):len(c.Arena)]))
		})
	inner := f.Compile
	f.Compile = func(cc *CompileCtx, args []Arg) (Impl, error) {
		if len(args) >= 2 && args[1].Const != nil && args[1].Const.K == String {
			if msg := badTimeLayout(args[1].Const.S); msg != "" {
				return Impl{}, argErr(1, "%s", msg)
			}
		}
		impl, err := inner(cc, args)
		if err != nil || len(args) < 2 || args[1].Const == nil || args[1].Const.K != String {
			return impl, err
		}
		lf := cc.layoutFmt(args[1].Const.S)
		if !lf.fast {
			return impl, nil
		}
		return layoutImpl(cc, lf, args), nil
	}
	return f
}

// layoutImpl is format_time with a constant layout that lf cuts: the
// text of each zone's hour is kept per worker (layoutCache) and a record
// fills in its minutes, seconds and milliseconds, in the record arena.
// The checks and faults are zonedAt's.
func layoutImpl(cc *CompileCtx, lf *layoutFmt, args []Arg) Impl {
	def := cc.Loc
	if def == nil {
		def = time.UTC
	}
	if len(args) > 2 {
		if z := args[2].Const; z != nil && z.K == String {
			def, _ = loadZone(z.S) // checked by zonedAt
		}
	}
	format := func(c *Ctx, z *zoneText, ms int64) Value {
		start := len(c.Arena)
		c.Arena = lf.appendTime(c.Arena, z, ms)
		return StrV(unsafeString(c.Arena[start:len(c.Arena):len(c.Arena)]))
	}
	if len(args) <= 2 || args[2].Const != nil && args[2].Const.K == String {
		return Impl{Result: String, Fn: func(c *Ctx, a []Value) Value {
			if a[0].K != Time {
				return NullV()
			}
			return format(c, c.layoutCache(lf).def(def), a[0].I)
		}}
	}
	return Impl{Result: String, Fn: func(c *Ctx, a []Value) Value {
		if a[0].K != Time {
			return NullV()
		}
		lc := c.layoutCache(lf)
		if n := a[2]; n.K == String {
			z, err := lc.zone(n.S)
			if err != nil {
				c.Fail(argErr(2, "%v", err))
				return NullV()
			}
			return format(c, z, a[0].I)
		} else if n.K != Null {
			c.Fail(argErr(2, "zone must be a string (an IANA name), got %s", n.K))
			return NullV()
		}
		return format(c, lc.def(def), a[0].I)
	}}
}

// strftimeGo maps strftime directives to Go layout elements.
var strftimeGo = map[byte]string{
	'Y': "2006", 'y': "06", 'm': "01", 'd': "02", 'e': "_2", 'H': "15", 'I': "03", 'M': "04", 'S': "05",
	'p': "PM", 'b': "Jan", 'h': "Jan", 'B': "January", 'a': "Mon", 'A': "Monday", 'j': "002",
	'z': "-0700", 'Z': "MST", 'F': "2006-01-02", 'T': "15:04:05", 'D': "01/02/06", 'R': "15:04", '%': "%",
}

// badTimeLayout says why a layout is no Go layout ("" when it is one):
// it formats two instants that differ in every field the same way.
func badTimeLayout(layout string) string {
	a := time.Date(2001, 2, 3, 4, 5, 6, 7e6, time.FixedZone("A", 3600))
	b := time.Date(2012, 11, 14, 17, 28, 39, 987e6, time.FixedZone("B", -5*3600))
	if a.Format(layout) != b.Format(layout) {
		return ""
	}
	msg := fmt.Sprintf("layout %q has no element of Go's reference time, so every record would hold that same text; write the date and time as Go's reference time 2006-01-02 15:04:05 is written (2006 year, 01 month, 02 day, 15 hour, 04 minute, 05 second)", layout)
	if strings.Contains(layout, "%") {
		var g strings.Builder
		ok := true
		for i := 0; i < len(layout); i++ {
			if layout[i] != '%' {
				g.WriteByte(layout[i])
				continue
			}
			if i+1 >= len(layout) || strftimeGo[layout[i+1]] == "" {
				ok = false
				break
			}
			g.WriteString(strftimeGo[layout[i+1]])
			i++
		}
		if ok {
			msg += fmt.Sprintf(". For the strftime layout %q write %q", layout, g.String())
		}
	}
	return msg
}

// clamp(x, lo, hi): lo above hi is an error at compile time when both are
// constant, else when the call runs.
func clampFunc() *Func {
	check := func(lo, hi Value) error {
		if o, ok := CompareNumbers(lo, hi); !ok || o > 0 {
			return argErr(1, "lo is above hi (lo = %s, hi = %s)", lo.String(), hi.String())
		}
		return nil
	}
	f := pureArena("clamp", "math", "x limited to the range [lo, hi]: lo when x is below it, hi when above (ints and floats compared by exact value, and ints with floats give a float: clamp(1, 0, 1.5) is 1.0; null when any argument is null, NaN when x is). lo above hi is an error.",
		[]Param{{Name: "x", Type: Float}, {Name: "lo", Type: Float}, {Name: "hi", Type: Float}}, Any,
		[]Example{{Expr: "clamp(120, 0, 100)", Want: "100"}, {Expr: "clamp(-0.5, 0, 1)", Want: "0"}, {Expr: "clamp(0.25, 0, 1)", Want: "0.25"}},
		func(c *Ctx, a []Value) Value {
			x, lo, hi := a[0], a[1], a[2]
			if x.K == Null || lo.K == Null || hi.K == Null {
				return NullV()
			}
			if err := check(lo, hi); err != nil {
				c.Fail(err)
				return NullV()
			}
			if x.K == Float && x.Float() != x.Float() {
				return x
			}
			if o, _ := CompareNumbers(x, lo); o < 0 {
				return lo
			}
			if o, _ := CompareNumbers(x, hi); o > 0 {
				return hi
			}
			return x
		})
	compile := f.Compile
	f.Compile = func(cc *CompileCtx, args []Arg) (Impl, error) {
		if len(args) == 3 && args[1].Const != nil && args[2].Const != nil && args[1].Const.K != Null && args[2].Const.K != Null {
			if err := check(*args[1].Const, *args[2].Const); err != nil {
				return Impl{}, err
			}
		}
		return compile(cc, args)
	}
	return f
}

// distanceKm is distance_km: a latitude outside -90..90 or a longitude
// outside -180..180 degrees is no point on the sphere (a swapped pair, a
// value in another unit), an error at the argument: when the compiler
// sees it as a constant, else a run-time fault.
func distanceKm() *Func {
	params := []Param{{Name: "lat1", Type: Float}, {Name: "lon1", Type: Float}, {Name: "lat2", Type: Float}, {Name: "lon2", Type: Float}}
	check := func(i int, v Value) error {
		if v.K != Int && v.K != Float {
			return nil
		}
		x, lim, what := v.Num(), 90.0, "a latitude"
		if i%2 == 1 {
			lim, what = 180, "a longitude"
		}
		if !(x >= -lim && x <= lim) {
			return argErr(i, "%s is %s, -%g to %g degrees, got %s", params[i].Name, what, lim, lim, v.String())
		}
		return nil
	}
	return &Func{Name: "distance_km", Category: "math",
		Doc: "Great-circle (haversine) distance in kilometres between two points given in degrees, on a sphere of radius 6371 km. " +
			"A latitude outside -90 to 90 or a longitude outside -180 to 180 is an error (at validate when it is a constant, else when the run meets it).",
		Params: params, Result: Float,
		Examples: []Example{{Expr: "round(distance_km(55.7558, 37.6173, 59.9311, 30.3609))", Want: "632"}},
		Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
			if err := checkArgs(params, args); err != nil {
				return Impl{}, err
			}
			for i, a := range args {
				if a.Const != nil {
					if err := check(i, *a.Const); err != nil {
						return Impl{}, err
					}
				}
			}
			return Impl{Result: Float, Fn: func(c *Ctx, a []Value) Value {
				if a[0].K == Null || a[1].K == Null || a[2].K == Null || a[3].K == Null {
					return NullV()
				}
				for i, v := range a {
					if err := check(i, v); err != nil {
						c.Fail(err)
						return NullV()
					}
				}
				return FloatV(haversineKm(a[0].Num(), a[1].Num(), a[2].Num(), a[3].Num()))
			}}, nil
		}}
}
