package stdlib

import (
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/scenhq/scen/internal/stats"
)

// The tests here cover what dist_test.go does not: uniform's durations,
// times and run-time parameters, bernoulli, weighted and choice at their
// edges, sample_rows' and lookup's picks, hex and uuid digits, and poisson
// at means too large for its pmf to be binned. The rules are those of
// dist_test.go: a fixed seed, p > passP against the exact distribution,
// and p < powerP against a clearly wrong one.

// binCase is a chi-square test over bins of a random function's draws.
type binCase struct {
	name    string
	fn      string
	args    []Value
	dynamic bool
	bin     func(Value) int // -1: outside the support
	probs   []float64       // exact probability of each bin
	wrong   []float64       // a clearly different distribution
}

// tilted is probs with a linear tilt of ±frac across the bins: what a
// biased sampler of a uniform would look like.
func tilted(probs []float64, frac float64) []float64 {
	out := make([]float64, len(probs))
	for i, p := range probs {
		out[i] = p * (1 + frac*(2*float64(i)/float64(len(probs)-1)-1))
	}
	return out
}

func equal(n int) []float64 {
	p := make([]float64, n)
	for i := range p {
		p[i] = 1 / float64(n)
	}
	return p
}

// withZero is probs with bin i made (almost) impossible and the rest
// renormalised: an off-by-one that drops an endpoint.
func withZero(probs []float64, i int) []float64 {
	out := append([]float64(nil), probs...)
	out[i] = 1e-300
	return out
}

func runBinCase(t *testing.T, tc binCase, vs []Value) {
	t.Helper()
	obs := make([]int64, len(tc.probs))
	for i, v := range vs {
		b := tc.bin(v)
		if b < 0 || b >= len(obs) {
			t.Fatalf("draw %d = %s (%s) is outside the support", i, v, v.K)
		}
		obs[b]++
	}
	stat, df, p := stats.ChiSquareGOF(obs, tc.probs)
	if p <= passP {
		t.Errorf("chi-square against the exact distribution: %.4g on %d df, p = %.3g (counts %v)", stat, df, p, obs)
	}
	if tc.wrong != nil {
		stat2, _, p2 := stats.ChiSquareGOF(obs, tc.wrong)
		if p2 >= powerP {
			t.Errorf("chi-square cannot tell the wrong distribution apart: %.4g, p = %.3g", stat2, p2)
		}
	}
	t.Logf("%d bins, p = %.3g", len(obs), p)
}

// intBin maps an int-like value (int, duration, time) in [lo, lo+n) to its
// offset, -1 outside.
func intBin(k Kind, lo int64, n int) func(Value) int {
	return func(v Value) int {
		if v.K != k || v.I < lo || v.I-lo >= int64(n) {
			return -1
		}
		return int(v.I - lo)
	}
}

func TestRandomChoices(t *testing.T) {
	const day = 24 * 3600 * 1000
	t0, err := ParseTime("2025-03-30T00:00:00", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	hourOf := func(v Value) int {
		if v.K != Time || v.I < t0 || v.I >= t0+day {
			return -1
		}
		return int((v.I - t0) / 3600000)
	}
	// uniform("5s", "2m"): 115 001 whole milliseconds, binned by second.
	secBins := make([]float64, 116)
	for ms := 5000; ms <= 120000; ms++ {
		secBins[ms/1000-5]++
	}
	// The top 4 bits of an int64 (offset from MinInt64): 16 equal bins.
	top4 := func(v Value) int {
		if v.K != Int {
			return -1
		}
		return int(uint64(v.I-math.MinInt64) >> 60)
	}
	letters := []string{"a", "b", "c", "d", "e"}
	letterBin := func(v Value) int {
		for i, l := range letters {
			if v.K == String && v.S == l {
				return i
			}
		}
		return -1
	}
	strList := func(ss ...string) Value {
		l := make([]Value, len(ss))
		for i, s := range ss {
			l[i] = StrV(s)
		}
		return Freeze(ListV(l))
	}
	boolBin := func(v Value) int {
		if v.K != Bool {
			return -1
		}
		if v.Truthy() {
			return 1
		}
		return 0
	}
	cases := []binCase{
		{name: "uniform int run-time, both ends included", fn: "uniform", args: []Value{IntV(-3), IntV(3)}, dynamic: true,
			bin: intBin(Int, -3, 7), probs: equal(7), wrong: withZero(equal(7), 6)},
		{name: "uniform over the whole int64 range", fn: "uniform", args: []Value{IntV(math.MinInt64), IntV(math.MaxInt64)},
			bin: top4, probs: equal(16), wrong: tilted(equal(16), 0.03)},
		{name: "uniform durations 1ms..4ms, both ends included", fn: "uniform", args: []Value{StrV("1ms"), StrV("4ms")},
			bin: intBin(Duration, 1, 4), probs: equal(4), wrong: withZero(equal(4), 3)},
		{name: "uniform durations 5s..2m by second", fn: "uniform", args: []Value{StrV("5s"), StrV("2m")},
			bin: func(v Value) int {
				if v.K != Duration || v.I < 5000 || v.I > 120000 {
					return -1
				}
				return int(v.I/1000 - 5)
			}, probs: secBins, wrong: tilted(secBins, 0.1)},
		{name: "uniform durations run-time", fn: "uniform", args: []Value{DurV(-2), DurV(2)}, dynamic: true,
			bin: intBin(Duration, -2, 5), probs: equal(5), wrong: withZero(equal(5), 0)},
		{name: "uniform times over a day, by hour", fn: "uniform",
			args: []Value{TimeV(t0), TimeV(t0 + day - 1)}, bin: hourOf, probs: equal(24), wrong: tilted(equal(24), 0.05)},
		{name: "uniform times 3 ms apart, both ends included", fn: "uniform", args: []Value{TimeV(t0), TimeV(t0 + 3)},
			bin: intBin(Time, t0, 4), probs: equal(4), wrong: withZero(equal(4), 3)},
		{name: "choice run-time", fn: "choice", args: []Value{strList(letters...)}, dynamic: true,
			bin: letterBin, probs: equal(5), wrong: tilted(equal(5), 0.05)},
		{name: "bernoulli 0.3", fn: "bernoulli", args: []Value{num(0.3)},
			bin: boolBin, probs: []float64{0.7, 0.3}, wrong: []float64{0.69, 0.31}},
		{name: "bernoulli 0.001 run-time", fn: "bernoulli", args: []Value{num(0.001)}, dynamic: true,
			bin: boolBin, probs: []float64{0.999, 0.001}, wrong: []float64{0.9985, 0.0015}},
		{name: "bernoulli 0.9995 run-time", fn: "bernoulli", args: []Value{num(0.9995)}, dynamic: true,
			bin: boolBin, probs: []float64{0.0005, 0.9995}, wrong: []float64{0.001, 0.999}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vs := draws(t, tc.fn, tc.dynamic, distSamples, tc.args...)
			runBinCase(t, tc, vs)
		})
	}
}

// TestRandomEdgeParams: valid parameters that leave one outcome give it
// every time, constant or at run time.
func TestRandomEdgeParams(t *testing.T) {
	obj := func(keys []string, ws ...float64) Value {
		vals := make([]Value, len(ws))
		for i, w := range ws {
			vals[i] = FloatV(w)
		}
		return Freeze(ObjV(keys, vals))
	}
	cases := []struct {
		fn       string
		args     []Value
		dynamics []bool
		want     string
	}{
		{"uniform", []Value{IntV(5), IntV(5)}, []bool{false, true}, "5"},
		{"uniform", []Value{num(2.5), num(2.5)}, []bool{false, true}, "2.5"},
		{"uniform", []Value{StrV("3s"), StrV("3s")}, []bool{false}, "3s"},
		{"bernoulli", []Value{num(0)}, []bool{false, true}, "false"},
		{"bernoulli", []Value{num(1)}, []bool{false, true}, "true"},
		{"weighted", []Value{obj([]string{"only"}, 0.2)}, []bool{false}, "only"},
		{"weighted", []Value{obj([]string{"a", "b", "c"}, 0, 3, 0)}, []bool{false}, "b"},
		{"choice", []Value{Freeze(ListV([]Value{StrV("x")}))}, []bool{false, true}, "x"},
	}
	for _, tc := range cases {
		for _, dyn := range tc.dynamics {
			t.Run(fmt.Sprintf("%s%v/dynamic=%v", tc.fn, tc.args, dyn), func(t *testing.T) {
				for i, v := range draws(t, tc.fn, dyn, 2000, tc.args...) {
					if v.String() != tc.want {
						t.Fatalf("draw %d = %s, want %s", i, v, tc.want)
					}
				}
			})
		}
	}
}

// TestWeightedZeroAndWide: outcomes of weight zero are never drawn, and a
// map wider than 2^11 outcomes (where the alias table takes its coin from
// a second draw) follows its weights.
func TestWeightedZeroAndWide(t *testing.T) {
	mk := func(ws []float64) (Value, []float64) {
		keys := make([]string, len(ws))
		vals := make([]Value, len(ws))
		sum := 0.0
		for i, w := range ws {
			keys[i], vals[i] = "k"+strconv.Itoa(i), FloatV(w)
			sum += w
		}
		probs := make([]float64, len(ws))
		for i, w := range ws {
			probs[i] = w / sum
		}
		return Freeze(ObjV(keys, vals)), probs
	}
	keyBin := func(v Value) int {
		if v.K != String || len(v.S) < 2 || v.S[0] != 'k' {
			return -1
		}
		i, err := strconv.Atoi(v.S[1:])
		if err != nil {
			return -1
		}
		return i
	}
	zeros := []float64{0, 2, 0, 0, 5, 1, 0, 3, 0}
	// 3000 outcomes, weights 1..3000 mod 7 + 1: pooled into 7 classes of
	// equal weight so that each expects thousands of draws.
	wide := make([]float64, 3000)
	for i := range wide {
		wide[i] = float64(i%7 + 1)
	}
	for _, tc := range []struct {
		name  string
		ws    []float64
		pool  func(int) int // outcome to bin
		bins  int
		wrong func([]float64) []float64
	}{
		{"zero weights", zeros, func(i int) int { return i }, len(zeros),
			func(p []float64) []float64 { return tilted(p, 0.05) }},
		{"3000 outcomes", wide, func(i int) int { return i % 7 }, 7,
			func(p []float64) []float64 { return tilted(p, 0.03) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arg, probs := mk(tc.ws)
			vs := draws(t, "weighted", false, distSamples, arg)
			bp := make([]float64, tc.bins)
			for i, p := range probs {
				bp[tc.pool(i)] += p
			}
			obs := make([]int64, tc.bins)
			for i, v := range vs {
				k := keyBin(v)
				if k < 0 || k >= len(tc.ws) {
					t.Fatalf("draw %d = %s is no outcome", i, v)
				}
				if tc.ws[k] == 0 {
					t.Fatalf("draw %d = %s, whose weight is zero", i, v)
				}
				obs[tc.pool(k)]++
			}
			// Bins of zero weight are checked exactly above; the
			// chi-square runs over the others.
			var o []int64
			var p []float64
			for i := range obs {
				if bp[i] > 0 {
					o, p = append(o, obs[i]), append(p, bp[i])
				}
			}
			if stat, df, pv := stats.ChiSquareGOF(o, p); pv <= passP {
				t.Errorf("chi-square against the weights: %.4g on %d df, p = %.3g (counts %v)", stat, df, pv, o)
			}
			if stat, _, pv := stats.ChiSquareGOF(o, tc.wrong(p)); pv >= powerP {
				t.Errorf("chi-square cannot tell tilted weights apart: %.4g, p = %.3g", stat, pv)
			}
		})
	}
}

// TestSampleRowsUniform: sample_rows draws without replacement with every
// ordered selection equally likely, on both of its paths (rejection for a
// few rows out of many, a partial Fisher-Yates otherwise) and among the
// rows a filter leaves: the first two picks, as an ordered pair, are
// uniform over the n·(n-1) pairs, and each position is uniform over the
// rows.
func TestSampleRowsUniform(t *testing.T) {
	const draws = 150_000
	for _, tc := range []struct {
		name   string
		rows   int
		k      int
		filter bool // only the rows with an even id match
	}{
		{"rejection, 3 of 20", 20, 3, false},
		{"Fisher-Yates, 3 of 10", 10, 3, false},
		{"Fisher-Yates, 12 of 15", 15, 12, false},
		{"filtered, 4 of the 12 even rows", 24, 4, true},
		{"filtered, 2 of the 16 even rows (rejection)", 32, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vals := make([]Value, tc.rows)
			for i := range vals {
				vals[i] = BoolV(i%2 == 0)
			}
			rows := rowsOf("even", vals...)
			args := []Arg{constArg(rows), constArg(IntV(int64(tc.k)))}
			call := []Value{rows, IntV(int64(tc.k))}
			m := tc.rows // the rows that can be picked
			if tc.filter {
				args = append(args, constArg(StrV("even")), constArg(BoolV(true)))
				call = append(call, StrV("even"), BoolV(true))
				m = tc.rows / 2
			}
			impl, err := compileData("sample_rows", args...)
			if err != nil {
				t.Fatal(err)
			}
			// rank maps a row id to its place among the pickable rows.
			rank := func(id int64) int {
				if tc.filter {
					if id%2 != 0 {
						return -1
					}
					return int(id / 2)
				}
				return int(id)
			}
			r := NewRand(Mix(distSeed, uint64(tc.rows*100+tc.k)))
			c := &Ctx{R: &r}
			pairs := make([]int64, m*m)
			pos := make([][]int64, tc.k)
			for j := range pos {
				pos[j] = make([]int64, m)
			}
			for range draws {
				c.ResetArena()
				l := impl.Fn(c, call).List()
				if len(l) != tc.k {
					t.Fatalf("%d rows, want %d", len(l), tc.k)
				}
				seen := map[int]bool{}
				for j, row := range l {
					id, _ := row.Obj().Get("id")
					x := rank(id.I)
					if x < 0 || seen[x] {
						t.Fatalf("pick %d is row %d: not pickable, or picked twice (%v)", j, id.I, l)
					}
					seen[x] = true
					pos[j][x]++
				}
				a, _ := l[0].Obj().Get("id")
				b, _ := l[1].Obj().Get("id")
				pairs[rank(a.I)*m+rank(b.I)]++
			}
			// The ordered pairs: only a ≠ b can occur.
			var obs []int64
			for a := 0; a < m; a++ {
				for b := 0; b < m; b++ {
					if a != b {
						obs = append(obs, pairs[a*m+b])
					}
				}
			}
			if stat, df, p := stats.ChiSquareGOF(obs, equal(len(obs))); p <= passP {
				t.Errorf("ordered first two picks: chi-square %.4g on %d df, p = %.3g", stat, df, p)
			}
			if _, _, p := stats.ChiSquareGOF(obs, tilted(equal(len(obs)), 0.1)); p >= powerP {
				t.Errorf("the pair test cannot see a 10%% tilt: p = %.3g", p)
			}
			for j := range pos {
				if stat, df, p := stats.ChiSquareGOF(pos[j], equal(m)); p <= passP/float64(tc.k) {
					t.Errorf("position %d: chi-square %.4g on %d df, p = %.3g (counts %v)", j+1, stat, df, p, pos[j])
				}
			}
		})
	}
}

// TestLookupUniformAmongMatches: lookup picks each matching row equally
// often, and never another.
func TestLookupUniformAmongMatches(t *testing.T) {
	vals := make([]Value, 30)
	for i := range vals {
		vals[i] = StrV([]string{"x", "y", "z"}[i%3])
	}
	rows := rowsOf("c", vals...)
	impl, err := compileData("lookup", constArg(rows), constArg(StrV("c")), Arg{Type: String})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRand(distSeed)
	c := &Ctx{R: &r}
	obs := make([]int64, 10)
	for range distSamples {
		row := impl.Fn(c, []Value{rows, StrV("c"), StrV("y")})
		id, _ := row.Obj().Get("id")
		if id.I%3 != 1 {
			t.Fatalf("lookup of y gave row %d (%s)", id.I, row)
		}
		obs[id.I/3]++
	}
	if stat, df, p := stats.ChiSquareGOF(obs, equal(10)); p <= passP {
		t.Errorf("chi-square over the 10 matching rows: %.4g on %d df, p = %.3g (counts %v)", stat, df, p, obs)
	}
	if _, _, p := stats.ChiSquareGOF(obs, tilted(equal(10), 0.05)); p >= powerP {
		t.Errorf("the test cannot see a 5%% tilt: p = %.3g", p)
	}
}

// TestHexAndUUIDDigits: every random hex digit is uniform over 0-f, in
// each position (hex(20) spans two 64-bit draws); a UUID's version digit is
// 4 and its variant digit uniform over 8, 9, a, b.
func TestHexAndUUIDDigits(t *testing.T) {
	const n = 40_000
	digit := func(b byte) int {
		switch {
		case b >= '0' && b <= '9':
			return int(b - '0')
		case b >= 'a' && b <= 'f':
			return int(b-'a') + 10
		}
		return -1
	}
	for _, tc := range []struct {
		name  string
		fn    string
		args  []Value
		fixed map[int]string // position: the digits it may hold
	}{
		{"hex(20)", "hex", []Value{IntV(20)}, nil},
		{"uuid", "uuid", nil, map[int]string{8: "-", 13: "-", 14: "4", 18: "-", 19: "89ab", 23: "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := draws(t, tc.fn, false, n, tc.args...)
			width := len(vs[0].S)
			counts := make([][]int64, width)
			for i := range counts {
				counts[i] = make([]int64, 16)
			}
			for _, v := range vs {
				if len(v.S) != width {
					t.Fatalf("%q: length %d, want %d", v.S, len(v.S), width)
				}
				for i := 0; i < width; i++ {
					if allowed, ok := tc.fixed[i]; ok && allowed == "-" {
						if v.S[i] != '-' {
							t.Fatalf("%q: no dash at %d", v.S, i)
						}
						continue
					}
					d := digit(v.S[i])
					if d < 0 {
						t.Fatalf("%q: %q at %d is not a lowercase hex digit", v.S, v.S[i], i)
					}
					counts[i][d]++
				}
			}
			for i := 0; i < width; i++ {
				allowed, ok := tc.fixed[i]
				if ok && allowed == "-" {
					continue
				}
				probs := equal(16)
				if ok {
					for d := range probs {
						probs[d] = 1e-300
					}
					for _, ch := range []byte(allowed) {
						probs[digit(ch)] = 1 / float64(len(allowed))
					}
					if len(allowed) == 1 {
						if counts[i][digit(allowed[0])] != n {
							t.Errorf("position %d: digits %v, want always %s", i, counts[i], allowed)
						}
						continue
					}
				}
				// One test per position: the threshold is shared out.
				if stat, df, p := stats.ChiSquareGOF(counts[i], probs); p <= passP/float64(width) {
					t.Errorf("position %d: chi-square %.4g on %d df, p = %.3g (counts %v)", i, stat, df, p, counts[i])
				}
			}
		})
	}
}

// TestPoissonHugeMean: at means far beyond what a pmf can be binned over,
// the standardised draws (k - λ)/√λ follow the standard normal (the
// Poisson's skewness 1/√λ and its lattice step are far below what KS sees
// at this sample size), and a spread 5 % wider is rejected. Up to 2^53,
// the largest mean allowed: PTRS's acceptance test once cancelled terms of
// size λ·log λ and was noise above about 1e14.
func TestPoissonHugeMean(t *testing.T) {
	for _, tc := range []struct {
		lambda  float64
		dynamic bool
	}{
		{1 << 20, false},
		{1e9, true},
		{1e14, false},
		{1e15, true},
		{1 << 53, false},
	} {
		t.Run(fmt.Sprintf("%g/dynamic=%v", tc.lambda, tc.dynamic), func(t *testing.T) {
			t.Parallel()
			vs := draws(t, "poisson", tc.dynamic, distSamples, num(tc.lambda))
			xs := make([]float64, len(vs))
			sd := math.Sqrt(tc.lambda)
			for i, v := range vs {
				if v.K != Int || v.I < 0 {
					t.Fatalf("draw %d = %s", i, v)
				}
				xs[i] = (float64(v.I) - tc.lambda) / sd
			}
			d, p := stats.KSOneSample(xs, stats.NormalCDF)
			if p <= passP {
				t.Errorf("KS of the standardised draws against N(0, 1): D = %.4g, p = %.3g", d, p)
			}
			wrong := func(x float64) float64 { return stats.NormalCDF(x / 1.05) }
			if d2, p2 := stats.KSOneSample(xs, wrong); p2 >= powerP {
				t.Errorf("KS cannot tell a 5%% wider spread apart: D = %.4g, p = %.3g", d2, p2)
			}
			t.Logf("p = %.3g", p)
		})
	}
}

// TestGammaTinyShapeUnderflow: with a shape far below 1 a gamma draw can
// be smaller than the least float64, and is then 0. The share of zeros
// must be the exact P(X < 2^-1075) = (2^-1075)^k / Γ(k+1) (z-test,
// |z| < 3.89), not more (a boost that lost precision) and not less (a
// sampler that never goes that low); a share 20 % off is rejected.
func TestGammaTinyShapeUnderflow(t *testing.T) {
	for _, tc := range []struct {
		shape   float64
		dynamic bool
	}{
		{0.005, false},
		{0.007, true},
		{0.004, false},
	} {
		t.Run(fmt.Sprint(tc.shape), func(t *testing.T) {
			vs := draws(t, "gamma", tc.dynamic, distSamples, num(tc.shape), num(1))
			zeros := int64(0)
			for i, v := range vs {
				if v.K != Float || !(v.Float() >= 0) {
					t.Fatalf("draw %d = %s", i, v)
				}
				if v.Float() == 0 {
					zeros++
				}
			}
			lg, _ := math.Lgamma(tc.shape + 1)
			p := math.Exp(tc.shape*-1075*math.Ln2 - lg)
			if z := stats.BinomialZ(zeros, distSamples, p); math.Abs(z) > 3.89 {
				t.Errorf("%d zeros in %d draws, want %.1f (p = %.3g): z = %.2f", zeros, distSamples, p*distSamples, p, z)
			}
			if z := stats.BinomialZ(zeros, distSamples, p*1.2); math.Abs(z) < 4.89 {
				t.Errorf("the test cannot tell a share 20 %% higher apart: z = %.2f", z)
			}
			t.Logf("%d zeros, expected %.1f", zeros, p*distSamples)
		})
	}
}

// smallBinomPMF is the binomial pmf for a mean n·p that is small however
// large n is: P(0) = e^(n·log1p(-p)), P(k) = P(k-1)·(n-k+1)/k·p/(1-p).
// (binomPMF's log-gammas of n cancel to nothing at n = 2^53.)
func smallBinomPMF(n int64, p float64) func(int64) float64 {
	return func(k int64) float64 {
		if k < 0 || k > n {
			return 0
		}
		f := math.Exp(float64(n) * math.Log1p(-p))
		for i := int64(1); i <= k; i++ {
			f *= float64(n-i+1) / float64(i) * p / (1 - p)
		}
		return f
	}
}

// TestBinomialHugeNTinyP: with n in the trillions and a mean of a few,
// binomial draws by inversion from P(0) = (1-p)^n, which must not be
// computed from the rounded 1-p (at n = 2^53, p = 1e-15 the mean was 8.95
// instead of 9.01). Chi-square against the exact pmf, and against the pmf
// of a mean 1 % lower.
func TestBinomialHugeNTinyP(t *testing.T) {
	for _, tc := range []struct {
		n       int64
		p       float64
		dynamic bool
	}{
		{1 << 53, 1e-15, false},
		{1 << 53, 1e-15, true},
		{1e15, 3e-15, false},
		{1e12, 5e-12, true},
	} {
		t.Run(fmt.Sprintf("%d,%g/dynamic=%v", tc.n, tc.p, tc.dynamic), func(t *testing.T) {
			t.Parallel()
			vs := draws(t, "binomial", tc.dynamic, distSamples, IntV(tc.n), num(tc.p))
			pmf, wrong := smallBinomPMF(tc.n, tc.p), smallBinomPMF(tc.n, tc.p*0.99)
			starts := poolBins(pmf, 0, tc.n, distSamples)
			obs := make([]int64, len(starts))
			for i, v := range vs {
				if v.K != Int || v.I < 0 || v.I > tc.n {
					t.Fatalf("draw %d = %s", i, v)
				}
				j := 0
				for j+1 < len(starts) && starts[j+1] <= v.I {
					j++
				}
				obs[j]++
			}
			stat, df, p := stats.ChiSquareGOF(obs, binProbs(pmf, starts))
			if p <= passP {
				t.Errorf("chi-square against the exact pmf: %.4g on %d df, p = %.3g (counts %v)", stat, df, p, obs)
			}
			if _, _, p2 := stats.ChiSquareGOF(obs, binProbs(wrong, starts)); p2 >= powerP {
				t.Errorf("the test cannot tell a mean 1 %% lower apart: p = %.3g", p2)
			}
			t.Logf("%d bins, p = %.3g", len(starts), p)
		})
	}
}

// TestParetoOverflowShare: a Pareto draw beyond the largest float64 is
// +Inf; for a tiny alpha that happens with the exact probability
// (xm/MaxFloat64)^alpha (z-test), which the docs state, and the finite
// draws follow the distribution conditioned on x <= MaxFloat64 (KS). With
// a tiny xm, e^(E/alpha) overflows before the product does: such draws
// were +Inf (3 times too many at xm = 1e-300, alpha = 0.002).
func TestParetoOverflowShare(t *testing.T) {
	for _, tc := range []struct{ xm, alpha float64 }{{1, 0.001}, {1e-300, 0.002}, {1e300, 0.01}} {
		t.Run(fmt.Sprint(tc.xm, ",", tc.alpha), func(t *testing.T) {
			vs := draws(t, "pareto", false, distSamples, num(tc.xm), num(tc.alpha))
			inf := int64(0)
			var finite []float64
			for i, v := range vs {
				if v.K != Float || !(v.Float() >= tc.xm) {
					t.Fatalf("draw %d = %s", i, v)
				}
				if math.IsInf(v.Float(), 1) {
					inf++
				} else {
					finite = append(finite, v.Float())
				}
			}
			cond := func(alpha float64) func(float64) float64 {
				top := paretoCDF(tc.xm, alpha)(math.MaxFloat64)
				return func(x float64) float64 { return paretoCDF(tc.xm, alpha)(x) / top }
			}
			if d, p := stats.KSOneSample(finite, cond(tc.alpha)); p <= passP {
				t.Errorf("KS of the finite draws against the conditional CDF: D = %.4g, p = %.3g", d, p)
			}
			if _, p := stats.KSOneSample(finite, cond(tc.alpha*1.5)); p >= powerP {
				t.Errorf("KS cannot tell alpha 50 %% higher apart: p = %.3g", p)
			}
			p := math.Exp(tc.alpha * (math.Log(tc.xm) - math.Log(math.MaxFloat64)))
			if z := stats.BinomialZ(inf, distSamples, p); math.Abs(z) > 3.89 {
				t.Errorf("%d of %d draws are +Inf, want %.1f: z = %.2f", inf, distSamples, p*distSamples, z)
			}
			if z := stats.BinomialZ(inf, distSamples, p*1.1); math.Abs(z) < 4.89 {
				t.Errorf("the test cannot tell a share 10 %% higher apart: z = %.2f", z)
			}
		})
	}
}
