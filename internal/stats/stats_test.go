package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Unless noted otherwise, reference values were computed with mpmath at 40+
// significant digits.

// near reports whether got is within tol of want, relative to |want| when
// |want| > 1 and absolute otherwise.
func near(got, want, tol float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}

// relClose reports whether got is within relative tolerance tol of want.
func relClose(got, want, tol float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= tol*math.Abs(want)
}

func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: expected a panic", name)
		}
	}()
	f()
}

func TestChiSquareSF(t *testing.T) {
	tests := []struct {
		x    float64
		df   int
		want float64
		tol  float64 // relative
	}{
		// Rounded table critical values.
		{3.84146, 1, 0.05, 1e-5},
		{18.307, 10, 0.05, 2e-5},
		// Exact critical values.
		{3.8414588206941258653, 1, 0.05, 1e-13},
		{6.6348966010212151014, 1, 0.01, 1e-13},
		{18.307038053275146693, 10, 0.05, 1e-13},
		{124.34211340400408129, 100, 0.05, 1e-13},
		{16.266236196238130868, 3, 0.001, 1e-13},
		// Direct values.
		{3.84146, 1, 0.049999964833747421628, 1e-13},
		{18.307, 10, 0.050000589091398120291, 1e-13},
		{1, 1, 0.31731050786291410283, 1e-14},
		{10, 2, 0.0067379469990854670966, 1e-14},
		{0.5, 3, 0.91889141165467585936, 1e-14},
		{30, 10, 0.00085664121077530039211, 1e-13},
		{1000, 900, 0.01099460894213584808, 1e-13},
		// Edges.
		{0, 5, 1, 0},
		{-1, 5, 1, 0},
		{math.Inf(1), 5, 0, 0},
	}
	for _, tt := range tests {
		if got := ChiSquareSF(tt.x, tt.df); !relClose(got, tt.want, tt.tol) {
			t.Errorf("ChiSquareSF(%v, %d) = %.17g, want %.17g (rel tol %g)", tt.x, tt.df, got, tt.want, tt.tol)
		}
	}
	for _, df := range []int{0, -1} {
		if got := ChiSquareSF(1, df); !math.IsNaN(got) {
			t.Errorf("ChiSquareSF(1, %d) = %v, want NaN", df, got)
		}
	}
	if got := ChiSquareSF(math.NaN(), 3); !math.IsNaN(got) {
		t.Errorf("ChiSquareSF(NaN, 3) = %v, want NaN", got)
	}
	// df = 2 has the closed form exp(-x/2).
	for x := 0.01; x < 1400; x *= 1.7 {
		if got, want := ChiSquareSF(x, 2), math.Exp(-x/2); !relClose(got, want, 1e-13) {
			t.Errorf("ChiSquareSF(%v, 2) = %.17g, want exp(-x/2) = %.17g", x, got, want)
		}
	}
}

func TestRegIncGammaQ(t *testing.T) {
	tests := []struct {
		a, x, want, tol float64
	}{
		{0.5, 0.5, 0.31731050786291410283, 1e-14},
		{1, 2, 0.13533528323661269189, 1e-14},
		{3, 2, 0.67667641618306345947, 1e-14},
		{2.5, 1, 0.84914503608460963623, 1e-14},
		{10, 5, 0.96817194269379518826, 1e-14},
		{10, 20, 0.0049954123083075871662, 1e-14},
		{100, 90, 0.8417790108135698319, 1e-14},
		{100, 120, 0.027863739890520661484, 1e-14},
		{1000, 1100, 0.0010593232539299773489, 1e-13},
		{0.5, 30, 9.4857375710738483885e-15, 1e-13},
		{25, 1, 1, 1e-15},
		// Large a, near the centre and far in the tail.
		{1e4, 10100, 0.15865124955282037, 1e-13},
		{1e4, 12000, 3.3272024923451615e-79, 1e-12},
		{1e6, 1e6, 0.4998670192391274, 1e-13},
		{1e6, 1.01e6, 1.0606997477586902e-23, 1e-12},
		// Edges.
		{2, 0, 1, 0},
		{2, math.Inf(1), 0, 0},
		{math.Inf(1), 5, 1, 0},
	}
	for _, tt := range tests {
		if got := RegIncGammaQ(tt.a, tt.x); !relClose(got, tt.want, tt.tol) {
			t.Errorf("RegIncGammaQ(%v, %v) = %.17g, want %.17g (rel tol %g)", tt.a, tt.x, got, tt.want, tt.tol)
		}
	}
	for _, in := range [][2]float64{{0, 1}, {-1, 1}, {1, -1}, {math.NaN(), 1}, {1, math.NaN()}} {
		if got := RegIncGammaQ(in[0], in[1]); !math.IsNaN(got) {
			t.Errorf("RegIncGammaQ(%v, %v) = %v, want NaN", in[0], in[1], got)
		}
	}
}

// TestRegIncGammaQIdentities sweeps both the series and the continued
// fraction branch against closed forms.
func TestRegIncGammaQIdentities(t *testing.T) {
	for x := 1e-3; x < 700; x *= 1.3 {
		// Q(1, x) = e^-x
		if got, want := RegIncGammaQ(1, x), math.Exp(-x); !relClose(got, want, 1e-13) {
			t.Errorf("RegIncGammaQ(1, %v) = %.17g, want %.17g", x, got, want)
		}
		// Q(1/2, x) = erfc(sqrt(x))
		if got, want := RegIncGammaQ(0.5, x), math.Erfc(math.Sqrt(x)); !relClose(got, want, 1e-12) {
			t.Errorf("RegIncGammaQ(0.5, %v) = %.17g, want %.17g", x, got, want)
		}
		// Q(n, x) = e^-x Σ_{k<n} x^k/k!  (Poisson CDF), for n = 2..15.
		for n := 2; n <= 15; n++ {
			term, sum := 1.0, 1.0
			for k := 1; k < n; k++ {
				term *= x / float64(k)
				sum += term
			}
			want := math.Exp(-x) * sum
			if want < 1e-250 {
				continue
			}
			if got := RegIncGammaQ(float64(n), x); !relClose(got, want, 1e-12) {
				t.Errorf("RegIncGammaQ(%d, %v) = %.17g, want %.17g", n, x, got, want)
			}
		}
	}
}

func TestKolmogorovSF(t *testing.T) {
	tests := []struct {
		x, want, tol float64
	}{
		{1.3581, 0.05, 1e-5},                 // rounded 5% critical value
		{1.3580986393225505941, 0.05, 1e-14}, // exact 5% critical value
		{1.3581, 0.049999630431667412691, 1e-14},
		{1.6276, 0.010001537333060772365, 1e-14},
		{1.2238, 0.10002342783567782027, 1e-14},
		{1.0, 0.2699996716773545212, 1e-14},
		{0.5, 0.96394524366487509439, 1e-14}, // theta-series branch
		{2.0, 0.00067092525577969534654, 1e-14},
		{0.2, 0.999999999999495, 1e-14},
		{10, 2.767793053473475e-87, 1e-13},
		{0, 1, 0},
		{-1, 1, 0},
		{math.Inf(1), 0, 0},
		{1e-3, 1, 0},
		{1.18, 0.12345380942976572, 1e-14}, // branch point
		{1.1799999999999999, 0.12345380942976572, 1e-14},
	}
	for _, tt := range tests {
		if got := KolmogorovSF(tt.x); !relClose(got, tt.want, tt.tol) {
			t.Errorf("KolmogorovSF(%v) = %.17g, want %.17g (rel tol %g)", tt.x, got, tt.want, tt.tol)
		}
	}
	if got := KolmogorovSF(math.NaN()); !math.IsNaN(got) {
		t.Errorf("KolmogorovSF(NaN) = %v, want NaN", got)
	}
	prev := 1.0
	for x := 0.01; x < 6; x += 0.01 {
		got := KolmogorovSF(x)
		if got > prev || got < 0 {
			t.Fatalf("KolmogorovSF not non-increasing or negative: SF(%v) = %v after %v", x, got, prev)
		}
		prev = got
	}
}

func TestNormalQuantile(t *testing.T) {
	tests := []struct {
		p, want float64
	}{
		{0.975, 1.9599639845400538556},
		{0.95, 1.6448536269514722843},
		{0.999, 3.0902323061678132778},
		{0.001, -3.0902323061678135354},
		{1e-10, -6.3613409024040561991},
		{0.3, -0.52440051270804081597},
		{0.5, 0},
		{0, math.Inf(-1)},
		{1, math.Inf(1)},
	}
	for _, tt := range tests {
		if got := NormalQuantile(tt.p); !relClose(got, tt.want, 1e-15) {
			t.Errorf("NormalQuantile(%v) = %.17g, want %.17g", tt.p, got, tt.want)
		}
	}
	for _, p := range []float64{-0.1, 1.1, math.NaN()} {
		if got := NormalQuantile(p); !math.IsNaN(got) {
			t.Errorf("NormalQuantile(%v) = %v, want NaN", p, got)
		}
	}
	// Round trip through NormalCDF, including deep lower tails.
	for _, p := range []float64{1e-300, 1e-100, 1e-20, 1e-8, 0.001, 0.02, 0.1, 0.25, 0.5, 0.6, 0.9, 0.97, 0.999} {
		if got := NormalCDF(NormalQuantile(p)); !relClose(got, p, 1e-12) {
			t.Errorf("NormalCDF(NormalQuantile(%v)) = %.17g", p, got)
		}
	}
	// Symmetry.
	for p := 0.0001; p < 0.5; p += 0.0123 {
		if a, b := NormalQuantile(p), NormalQuantile(1-p); !relClose(-a, b, 1e-13) {
			t.Errorf("NormalQuantile(%v) = %v but NormalQuantile(1-p) = %v", p, a, b)
		}
	}
}

func TestNormalCDF(t *testing.T) {
	tests := []struct {
		x, want float64
	}{
		{0, 0.5},
		{1.959963984540054, 0.97499999999999998912},
		{-1, 0.15865525393145705141},
		{3, 0.99865010196836990547},
		{-8, 6.2209605742717841235e-16},
		{math.Inf(-1), 0},
		{math.Inf(1), 1},
	}
	for _, tt := range tests {
		if got := NormalCDF(tt.x); !relClose(got, tt.want, 1e-14) {
			t.Errorf("NormalCDF(%v) = %.17g, want %.17g", tt.x, got, tt.want)
		}
	}
}

func TestWilsonInterval(t *testing.T) {
	tests := []struct {
		k, n     int64
		conf     float64
		lo, hi   float64
		roundTol float64
	}{
		{50, 100, 0.95, 0.4038, 0.5962, 1e-4}, // textbook, 4 decimals
		{50, 100, 0.95, 0.40383153036599564503, 0.59616846963400435497, 1e-14},
		{0, 10, 0.95, 0, 0.27753279986288917498, 1e-14},
		{10, 10, 0.99, 0.60114590669509191003, 1, 1e-14},
		{1, 1000, 0.999, 0.000078441986219503388448, 0.012611720609224587268, 1e-14},
		{7, 20, 0.9, 0.20226004005676098333, 0.53348731115152838447, 1e-14},
		{5000, 10000, 0.999, 0.48355626621487593553, 0.51644373378512406447, 1e-14},
	}
	for _, tt := range tests {
		lo, hi := WilsonInterval(tt.k, tt.n, tt.conf)
		if !near(lo, tt.lo, tt.roundTol) || !near(hi, tt.hi, tt.roundTol) {
			t.Errorf("WilsonInterval(%d, %d, %v) = [%.17g, %.17g], want [%.17g, %.17g]", tt.k, tt.n, tt.conf, lo, hi, tt.lo, tt.hi)
		}
	}
	if lo, hi := WilsonInterval(0, 7, 0.999); lo != 0 || hi >= 1 {
		t.Errorf("WilsonInterval(0, 7, 0.999) = [%v, %v], want lo exactly 0", lo, hi)
	}
	if lo, hi := WilsonInterval(7, 7, 0.999); hi != 1 || lo <= 0 {
		t.Errorf("WilsonInterval(7, 7, 0.999) = [%v, %v], want hi exactly 1", lo, hi)
	}
	mustPanic(t, "n=0", func() { WilsonInterval(0, 0, 0.95) })
	mustPanic(t, "k>n", func() { WilsonInterval(11, 10, 0.95) })
	mustPanic(t, "k<0", func() { WilsonInterval(-1, 10, 0.95) })
	mustPanic(t, "conf=1", func() { WilsonInterval(1, 10, 1) })
	mustPanic(t, "conf=0", func() { WilsonInterval(1, 10, 0) })
	mustPanic(t, "conf=NaN", func() { WilsonInterval(1, 10, math.NaN()) })
}

func TestBinomialZ(t *testing.T) {
	tests := []struct {
		k, n    int64
		p, want float64
	}{
		{60, 100, 0.5, 2},
		{40, 100, 0.5, -2},
		{50, 100, 0.5, 0},
		{15, 100, 0.1, 5 / math.Sqrt(9)},
		{0, 10, 0, 0},
		{10, 10, 1, 0},
		{1, 10, 0, math.Inf(1)},
		{9, 10, 1, math.Inf(-1)},
	}
	for _, tt := range tests {
		if got := BinomialZ(tt.k, tt.n, tt.p); !near(got, tt.want, 1e-15) {
			t.Errorf("BinomialZ(%d, %d, %v) = %v, want %v", tt.k, tt.n, tt.p, got, tt.want)
		}
	}
	mustPanic(t, "n=0", func() { BinomialZ(0, 0, 0.5) })
	mustPanic(t, "k>n", func() { BinomialZ(3, 2, 0.5) })
	mustPanic(t, "p>1", func() { BinomialZ(1, 2, 1.5) })
	mustPanic(t, "p=NaN", func() { BinomialZ(1, 2, math.NaN()) })
}

func TestChiSquareGOF(t *testing.T) {
	tests := []struct {
		name     string
		observed []int64
		probs    []float64
		stat     float64
		df       int
		p        float64
	}{
		{"uniform exact", []int64{25, 25, 25, 25}, []float64{1, 1, 1, 1}, 0, 3, 1},
		// E = 20 each: (100 + 0 + 100)/20 = 10, df 2, p = exp(-5).
		{"df2 closed form", []int64{10, 20, 30}, []float64{1, 1, 1}, 10, 2, math.Exp(-5)},
		// Unnormalised weights 1:3, E = 25, 75: 25/25 + 25/75 = 4/3, p = erfc(sqrt(2/3)).
		{"unnormalised", []int64{30, 70}, []float64{2, 6}, 4.0 / 3, 1, math.Erfc(math.Sqrt(2.0 / 3))},
		{"no observations", []int64{0, 0, 0}, []float64{0.2, 0.3, 0.5}, 0, 2, 1},
	}
	for _, tt := range tests {
		stat, df, p := ChiSquareGOF(tt.observed, tt.probs)
		if !near(stat, tt.stat, 1e-14) || df != tt.df || !relClose(p, tt.p, 1e-13) {
			t.Errorf("%s: ChiSquareGOF = (%.17g, %d, %.17g), want (%.17g, %d, %.17g)", tt.name, stat, df, p, tt.stat, tt.df, tt.p)
		}
	}
	mustPanic(t, "length mismatch", func() { ChiSquareGOF([]int64{1, 2}, []float64{1, 1, 1}) })
	mustPanic(t, "zero probability", func() { ChiSquareGOF([]int64{1, 2}, []float64{1, 0}) })
	mustPanic(t, "negative probability", func() { ChiSquareGOF([]int64{1, 2}, []float64{1, -1}) })
	mustPanic(t, "NaN probability", func() { ChiSquareGOF([]int64{1, 2}, []float64{1, math.NaN()}) })
	mustPanic(t, "Inf probability", func() { ChiSquareGOF([]int64{1, 2}, []float64{1, math.Inf(1)}) })
	mustPanic(t, "negative count", func() { ChiSquareGOF([]int64{1, -2}, []float64{1, 1}) })
	mustPanic(t, "one category", func() { ChiSquareGOF([]int64{1}, []float64{1}) })
}

func uniformCDF(x float64) float64 { return min(1, max(0, x)) }

func TestKSOneSampleExact(t *testing.T) {
	tests := []struct {
		sample []float64
		d      float64
	}{
		{[]float64{0.5}, 0.5},
		{[]float64{0.7, 0.1, 0.4}, 0.3},  // D+ = 1 - 0.7
		{[]float64{0.9, 0.8, 0.95}, 0.8}, // D- = 0.8 - 0
		{[]float64{0.125, 0.375, 0.625, 0.875}, 0.125},
	}
	for _, tt := range tests {
		orig := slices.Clone(tt.sample)
		d, p := KSOneSample(tt.sample, uniformCDF)
		if !near(d, tt.d, 1e-15) {
			t.Errorf("KSOneSample(%v) D = %v, want %v", orig, d, tt.d)
		}
		n := float64(len(orig))
		if want := KolmogorovSF((math.Sqrt(n) + 0.12 + 0.11/math.Sqrt(n)) * tt.d); !near(p, want, 1e-15) {
			t.Errorf("KSOneSample(%v) p = %v, want %v", orig, p, want)
		}
		if !slices.Equal(tt.sample, orig) {
			t.Errorf("KSOneSample modified its input: %v, was %v", tt.sample, orig)
		}
	}
	mustPanic(t, "empty", func() { KSOneSample(nil, uniformCDF) })
	mustPanic(t, "NaN sample", func() { KSOneSample([]float64{0.1, math.NaN()}, uniformCDF) })
	mustPanic(t, "NaN cdf", func() { KSOneSample([]float64{0.1}, func(float64) float64 { return math.NaN() }) })
}

func TestKSTwoSampleExact(t *testing.T) {
	tests := []struct {
		a, b []float64
		d    float64
	}{
		{[]float64{1, 2, 3}, []float64{4, 5, 6}, 1},
		{[]float64{3, 1, 2}, []float64{2, 3, 4}, 1.0 / 3},
		{[]float64{1, 2, 2, 3}, []float64{3, 2, 2, 1}, 0},   // identical with ties
		{[]float64{1, 1, 1, 2}, []float64{1, 2, 2, 2}, 0.5}, // ties across samples
		{[]float64{0}, []float64{0, 1}, 0.5},
	}
	for _, tt := range tests {
		origA, origB := slices.Clone(tt.a), slices.Clone(tt.b)
		d, p := KSTwoSample(tt.a, tt.b)
		if !near(d, tt.d, 1e-15) {
			t.Errorf("KSTwoSample(%v, %v) D = %v, want %v", origA, origB, d, tt.d)
		}
		// Symmetric in its arguments.
		if d2, p2 := KSTwoSample(tt.b, tt.a); d2 != d || p2 != p {
			t.Errorf("KSTwoSample not symmetric for %v, %v: (%v, %v) vs (%v, %v)", origA, origB, d, p, d2, p2)
		}
		na, nb := float64(len(origA)), float64(len(origB))
		en := math.Sqrt(na * nb / (na + nb))
		if want := KolmogorovSF((en + 0.12 + 0.11/en) * tt.d); !near(p, want, 1e-15) {
			t.Errorf("KSTwoSample(%v, %v) p = %v, want %v", origA, origB, p, want)
		}
		if !slices.Equal(tt.a, origA) || !slices.Equal(tt.b, origB) {
			t.Errorf("KSTwoSample modified its input")
		}
	}
	mustPanic(t, "empty a", func() { KSTwoSample(nil, []float64{1}) })
	mustPanic(t, "empty b", func() { KSTwoSample([]float64{1}, nil) })
	mustPanic(t, "NaN", func() { KSTwoSample([]float64{1}, []float64{math.NaN()}) })
}

func uniformSample(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]float64, n)
	for i := range out {
		out[i] = r.Float64()
	}
	return out
}

// binCounts buckets values in [0, 1) into k equal-width bins.
func binCounts(xs []float64, k int) []int64 {
	counts := make([]int64, k)
	for _, x := range xs {
		counts[min(k-1, int(x*float64(k)))]++
	}
	return counts
}

func equalProbs(k int) []float64 {
	p := make([]float64, k)
	for i := range p {
		p[i] = 1
	}
	return p
}

// alpha is the significance level used by the seeded acceptance tests.
const alpha = 0.001

func TestSeededUniformPasses(t *testing.T) {
	xs := uniformSample(20240601, 10000)

	d, p := KSOneSample(xs, uniformCDF)
	t.Logf("KS one-sample vs U(0,1): D = %.6f, p = %.4f", d, p)
	if p < alpha {
		t.Errorf("uniform sample rejected by KS: D = %v, p = %v", d, p)
	}

	stat, df, p := ChiSquareGOF(binCounts(xs, 20), equalProbs(20))
	t.Logf("chi-square vs 20 equal bins: stat = %.4f, df = %d, p = %.4f", stat, df, p)
	if df != 19 || p < alpha {
		t.Errorf("uniform sample rejected by chi-square: stat = %v, df = %d, p = %v", stat, df, p)
	}

	ys := uniformSample(42, 5000)
	d, p = KSTwoSample(xs, ys)
	t.Logf("KS two-sample, two uniform seeds: D = %.6f, p = %.4f", d, p)
	if p < alpha {
		t.Errorf("two uniform samples rejected by KS: D = %v, p = %v", d, p)
	}

	// Proportion below 0.3 against p = 0.3.
	var k int64
	for _, x := range xs {
		if x < 0.3 {
			k++
		}
	}
	lo, hi := WilsonInterval(k, int64(len(xs)), 1-alpha)
	z := BinomialZ(k, int64(len(xs)), 0.3)
	t.Logf("P(U < 0.3): %d/%d, Wilson [%.4f, %.4f], z = %.3f", k, len(xs), lo, hi, z)
	if lo > 0.3 || hi < 0.3 || math.Abs(z) > NormalQuantile(1-alpha/2) {
		t.Errorf("proportion below 0.3 inconsistent with 0.3: %d/%d, [%v, %v], z = %v", k, len(xs), lo, hi, z)
	}
}

func TestSeededWrongDistributionFails(t *testing.T) {
	// U² is Beta(1/2, 1), clearly not uniform.
	xs := uniformSample(20240601, 10000)
	sq := make([]float64, len(xs))
	for i, x := range xs {
		sq[i] = x * x
	}

	d, p := KSOneSample(sq, uniformCDF)
	t.Logf("KS one-sample, U² vs U(0,1): D = %.6f, p = %.3g", d, p)
	if p >= 1e-10 {
		t.Errorf("U² not rejected by KS against uniform: D = %v, p = %v", d, p)
	}
	// ... but accepted against its true CDF sqrt(x).
	if _, p := KSOneSample(sq, func(x float64) float64 { return math.Sqrt(uniformCDF(x)) }); p < alpha {
		t.Errorf("U² rejected by KS against its own CDF: p = %v", p)
	}

	stat, _, p := ChiSquareGOF(binCounts(sq, 20), equalProbs(20))
	t.Logf("chi-square, U² vs 20 equal bins: stat = %.1f, p = %.3g", stat, p)
	if p >= 1e-10 {
		t.Errorf("U² not rejected by chi-square: stat = %v, p = %v", stat, p)
	}

	// A uniform sample against wrong bin probabilities (one bin 30% heavy).
	probs := equalProbs(10)
	probs[0] = 1.3
	_, _, p = ChiSquareGOF(binCounts(xs, 10), probs)
	t.Logf("chi-square, uniform vs skewed probs: p = %.3g", p)
	if p >= 1e-6 {
		t.Errorf("skewed probabilities not rejected: p = %v", p)
	}

	// Two-sample: uniform against uniform shifted by 0.1.
	ys := uniformSample(42, 5000)
	for i := range ys {
		ys[i] += 0.1
	}
	d, p = KSTwoSample(xs, ys)
	t.Logf("KS two-sample, shifted by 0.1: D = %.4f, p = %.3g", d, p)
	if p >= 1e-10 {
		t.Errorf("shifted sample not rejected by KS: D = %v, p = %v", d, p)
	}

	// Proportion test: U² < 0.3 has probability sqrt(0.3) ≈ 0.548, not 0.3.
	var k int64
	for _, x := range sq {
		if x < 0.3 {
			k++
		}
	}
	if lo, hi := WilsonInterval(k, int64(len(sq)), 1-alpha); lo <= 0.3 && hi >= 0.3 {
		t.Errorf("Wilson interval [%v, %v] contains the wrong proportion 0.3", lo, hi)
	}
}

// TestSeededCalibration checks that the p-values behave like p-values: over
// many independent seeded samples from the null, about 5% fall below 0.05.
// The seeds are fixed, so this is deterministic.
func TestSeededCalibration(t *testing.T) {
	const reps = 1000
	var ksReject, chiReject int
	for seed := range uint64(reps) {
		xs := uniformSample(1000+seed, 50)
		if _, p := KSOneSample(xs, uniformCDF); p < 0.05 {
			ksReject++
		}
		if _, _, p := ChiSquareGOF(binCounts(xs, 5), equalProbs(5)); p < 0.05 {
			chiReject++
		}
	}
	t.Logf("rejections at 5%% over %d null samples: KS %d, chi-square %d", reps, ksReject, chiReject)
	// Binomial(1000, 0.05) has sd ≈ 6.9; allow about ±4 sd.
	for name, r := range map[string]int{"KS": ksReject, "chi-square": chiReject} {
		if r < 22 || r > 78 {
			t.Errorf("%s rejected %d of %d null samples at 5%%; p-values look miscalibrated", name, r, reps)
		}
	}
}
