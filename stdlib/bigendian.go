//go:build mips || mips64 || ppc64 || s390x

package stdlib

// The encoders (stdlib's JSON and number writers, engine/sinks' JSON and
// CSV programs, engine's templates) store several bytes at once as one
// machine word, in little-endian order. On a big-endian machine they
// would write the bytes reversed, so scen does not build there rather
// than write wrong output.
var _ = scenNeedsALittleEndianMachine
