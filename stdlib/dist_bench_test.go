package stdlib

import "testing"

// Each benchmark draws through the compiled Impl.Sample, as the engine's
// hot path does for constant parameters.
func benchSample(b *testing.B, name string, args ...Value) {
	impl := compileArgs(b, name, false, args...)
	r := NewRand(1)
	c := &Ctx{R: &r}
	var sink Value
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink = impl.Sample(c)
	}
	_ = sink
}

// benchFn draws through Impl.Fn: parameters known only at run time.
func benchFn(b *testing.B, name string, args ...Value) {
	impl := compileArgs(b, name, true, args...)
	r := NewRand(1)
	c := &Ctx{R: &r}
	var sink Value
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink = impl.Fn(c, args)
	}
	_ = sink
}

func BenchmarkWeighted(b *testing.B) {
	ws := []Value{IntV(30), IntV(25), IntV(20), IntV(12), IntV(8), IntV(5)}
	benchSample(b, "weighted", Freeze(ObjV([]string{"a", "b", "c", "d", "e", "f"}, ws)))
}

func BenchmarkNormal(b *testing.B)     { benchSample(b, "normal", num(100), num(15)) }
func BenchmarkUniformInt(b *testing.B) { benchSample(b, "uniform", IntV(1), IntV(6)) }
func BenchmarkExponential(b *testing.B) {
	benchSample(b, "exponential", num(0.5))
}
func BenchmarkGamma(b *testing.B)        { benchSample(b, "gamma", num(2), num(3)) }
func BenchmarkGammaSmall(b *testing.B)   { benchSample(b, "gamma", num(0.3), num(1)) }
func BenchmarkBeta(b *testing.B)         { benchSample(b, "beta", num(2), num(5)) }
func BenchmarkPoisson(b *testing.B)      { benchSample(b, "poisson", num(4)) }
func BenchmarkPoissonLarge(b *testing.B) { benchSample(b, "poisson", num(1000)) }
func BenchmarkBinomial(b *testing.B)     { benchSample(b, "binomial", IntV(20), num(0.3)) }
func BenchmarkBinomialLarge(b *testing.B) {
	benchSample(b, "binomial", IntV(100000), num(0.4))
}
func BenchmarkGeometric(b *testing.B) { benchSample(b, "geometric", num(0.25)) }
func BenchmarkZipf(b *testing.B)      { benchSample(b, "zipf", num(1.1), IntV(1000)) }
func BenchmarkZipfLarge(b *testing.B) {
	benchSample(b, "zipf", num(1.1), IntV(100_000_000))
}
func BenchmarkTruncNormal(b *testing.B) {
	benchSample(b, "truncnormal", num(30), num(10), num(18), num(65))
}
func BenchmarkTruncNormalTail(b *testing.B) {
	benchSample(b, "truncnormal", num(0), num(1), num(6), num(100))
}
func BenchmarkPareto(b *testing.B) { benchSample(b, "pareto", num(10), num(2.5)) }
func BenchmarkHistogram(b *testing.B) {
	benchSample(b, "histogram", nums(0, 10, 50, 100), nums(5, 3, 1))
}

func BenchmarkNormalRuntime(b *testing.B)  { benchFn(b, "normal", num(100), num(15)) }
func BenchmarkPoissonRuntime(b *testing.B) { benchFn(b, "poisson", num(4)) }
func BenchmarkZipfRuntime(b *testing.B)    { benchFn(b, "zipf", num(1.1), IntV(1000)) }

// BenchmarkNormFloat64 is the bare ziggurat, without the Impl around it.
func BenchmarkNormFloat64(b *testing.B) {
	r := NewRand(1)
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += r.NormFloat64()
	}
	_ = s
}
