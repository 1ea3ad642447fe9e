package stdlib

import "math"

// Exponential deviates by Marsaglia and Tsang's ziggurat (2000): one 32-bit
// draw and a table lookup in ~99% of cases, versus a logarithm per draw for
// inversion. Arrival processes draw one per candidate event.

const zigExpR = 7.69711747013104972

var zigKe, zigWe, zigFe = expZigTables()

func expZigTables() (ke [256]uint32, we [256]float32, fe [256]float32) {
	const m2 = 1 << 32
	de := 7.697117470131487
	te := de
	ve := 3.949659822581572e-3
	q := ve / math.Exp(-de)
	ke[0] = uint32((de / q) * m2)
	ke[1] = 0
	we[0] = float32(q / m2)
	we[255] = float32(de / m2)
	fe[0] = 1
	fe[255] = float32(math.Exp(-de))
	for i := 254; i >= 1; i-- {
		de = -math.Log(ve/de + math.Exp(-de))
		ke[i+1] = uint32((de / te) * m2)
		te = de
		fe[i] = float32(math.Exp(-de))
		we[i] = float32(de / m2)
	}
	return
}

// ExpZig returns an exponential deviate with rate 1 (ziggurat method).
func (r *Rand) ExpZig() float64 {
	for {
		x64 := r.Uint64()
		j := uint32(x64)
		i := (x64 >> 32) & 0xFF
		x := float64(j) * float64(zigWe[i])
		if j < zigKe[i] {
			return x
		}
		if i == 0 {
			return zigExpR - math.Log(1-r.Float64())
		}
		if zigFe[i]+float32(r.Float64())*(zigFe[i-1]-zigFe[i]) < float32(math.Exp(-x)) {
			return x
		}
	}
}

// ExpZigFast is ExpZig's common case for the 64 bits x64, its first draw
// from the stream: the deviate and true when x64 falls in a ziggurat
// layer's rectangle (about 99 % of draws), false when ExpZigFrom has to
// finish the draw. Small enough to be inlined in a loop that holds the
// generator's state in registers (Rand.Step: thinning's candidates).
func ExpZigFast(x64 uint64) (float64, bool) {
	j := uint32(x64)
	i := (x64 >> 32) & 0xFF
	return float64(j) * float64(zigWe[i]), j < zigKe[i]
}

// ExpZigFrom is ExpZig whose first 64 bits, x64, the caller has already
// drawn from r's stream: the same deviate, leaving r where ExpZig would.
// ExpZig keeps a body of its own rather than calling this: the PGO profile
// inlines it into thinning's general loop (arrivalPlan.thin), and
// ExpZig as a call of ExpZigFrom cost recipe 4.8 M instructions more
// (callgrind, session 34).
func (r *Rand) ExpZigFrom(x64 uint64) float64 {
	for {
		j := uint32(x64)
		i := (x64 >> 32) & 0xFF
		x := float64(j) * float64(zigWe[i])
		if j < zigKe[i] {
			return x
		}
		if i == 0 {
			return zigExpR - math.Log(1-r.Float64())
		}
		if zigFe[i]+float32(r.Float64())*(zigFe[i-1]-zigFe[i]) < float32(math.Exp(-x)) {
			return x
		}
		x64 = r.Uint64()
	}
}
