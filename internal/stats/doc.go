// Package stats provides the statistical tests that the project's own test
// suites use to check that generated synthetic data follows its declared
// distributions at fixed seeds.
//
// It owns the numerical machinery those checks need and nothing more:
// chi-square goodness of fit (with the regularised incomplete gamma function
// behind its p-values), one- and two-sample Kolmogorov–Smirnov tests (with
// the Kolmogorov distribution and Stephens' small-sample correction), the
// standard normal CDF and quantile, Wilson score intervals and binomial
// z-scores. Everything is implemented with the standard library only and is
// deterministic, so a test that passes at a fixed seed keeps passing.
//
// The algorithms are the classical ones (Numerical Recipes, Cephes, Wichura's
// AS 241) and are accurate to close to double precision over the ranges a
// test suite can reach; the package's own tests compare them against
// high-precision reference values.
//
// Functions that take counts or probabilities panic on arguments that can
// only come from a programming error (mismatched lengths, non-positive
// probabilities, k > n, empty samples, NaN data); pure special functions
// return NaN outside their domain instead.
package stats
