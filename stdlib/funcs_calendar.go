package stdlib

import (
	"time"
)

const zonedDoc = " in the scenario's time zone, or in zone (an IANA name, which may come from the actor)"

func calendarFuncs() []*Func {
	return []*Func{
		zoned("minute", "The local minute of the hour (0-59) of t"+zonedDoc+": zones whose offset is not whole hours (Asia/Kolkata) differ from UTC.", Int,
			[]Example{{Expr: `minute(time("2025-06-01T09:30:00Z"))`, Want: "30"}, {Expr: `minute(time("2025-06-01T09:30:00Z"), "Asia/Kolkata")`, Want: "0"}},
			func(t time.Time) Value { return IntV(int64(t.Minute())) }),
		zoned("day", "The local day of the month (1-31) of t"+zonedDoc+".", Int,
			[]Example{{Expr: `day(time("2025-06-01T09:30:00Z"))`, Want: "1"}, {Expr: `day(time("2025-06-01T01:30:00Z"), "America/New_York")`, Want: "31"}},
			func(t time.Time) Value { return IntV(int64(t.Day())) }),
		zoned("month", "The local month of t as a number, 1 (January) to 12 (December),"+zonedDoc+".", Int,
			[]Example{{Expr: `month(time("2025-06-01T09:30:00Z"))`, Want: "6"}, {Expr: `month(time("2025-06-01T01:30:00Z"), "America/New_York")`, Want: "5"}},
			func(t time.Time) Value { return IntV(int64(t.Month())) }),
		zoned("year", "The local year of t"+zonedDoc+".", Int,
			[]Example{{Expr: `year(time("2025-06-01T09:30:00Z"))`, Want: "2025"}, {Expr: `year(time("2025-01-01T01:30:00Z"), "America/New_York")`, Want: "2024"}},
			func(t time.Time) Value { return IntV(int64(t.Year())) }),
		addMonthsFunc(),
	}
}

// maxMonths bounds add_months' n: more months than the years 1-9999 hold
// cannot give a time in them.
const maxMonths = 12 * 10000

// addMonthsFunc is add_months(t, n, [zone]): calendar months on the local
// clock, the day clamped to the target month's last.
func addMonthsFunc() *Func {
	f := zonedAt("add_months", "t moved n calendar months (back, for a negative n) on the local clock"+zonedDoc+": the same day of the month and time of day, n months on. "+
		"A day the target month lacks becomes its last day: Jan 31 plus 1 month is Feb 28 (Feb 29 in a leap year), not Mar 3. "+
		"A local time that a daylight-saving change skips on the target day is moved forward by the change (02:30 becomes 03:30), and a local time that occurs twice is the first. "+
		"n is a whole number; a result outside the years 1-9999 is an error.",
		[]Param{{Name: "t", Type: Time}, {Name: "n", Type: Int, Whole: true}}, Time,
		[]Example{
			{Expr: `add_months(time("2025-01-31T10:00:00Z"), 1)`, Want: "2025-02-28T10:00:00.000Z"},
			{Expr: `add_months(time("2024-01-31T10:00:00Z"), 1)`, Want: "2024-02-29T10:00:00.000Z"},
			{Expr: `add_months(time("2025-03-31T10:00:00Z"), -13)`, Want: "2024-02-29T10:00:00.000Z"},
			{Expr: `add_months(time("2025-01-15T12:00:00Z"), 6, "Europe/Berlin")`, Want: "2025-07-15T11:00:00.000Z", Note: "13:00 in Berlin, in winter and in summer"},
		},
		func(c *Ctx, t time.Time, a []Value) Value {
			n, ok := wholeArg(c, a, 1, "n")
			if !ok {
				return NullV()
			}
			if err := monthsErr(n); err != nil {
				c.Fail(err)
				return NullV()
			}
			ms, ok := addMonths(t, int(n))
			if !ok {
				c.Fail(argErr(-1, "%s plus %d months is outside the years 1-9999", TimeV(t.UnixMilli()).String(), n))
				return NullV()
			}
			return TimeV(ms)
		})
	inner := f.Compile
	f.Compile = func(cc *CompileCtx, args []Arg) (Impl, error) {
		if err := constWhole(args, 1, "n"); err != nil {
			return Impl{}, err
		}
		if len(args) >= 2 && args[1].Const != nil && args[1].Const.K == Int {
			if err := monthsErr(args[1].Const.I); err != nil {
				return Impl{}, err
			}
		}
		return inner(cc, args)
	}
	return f
}

// monthsErr says why n is no number of months to add, or is nil.
func monthsErr(n int64) error {
	if n < -maxMonths || n > maxMonths {
		return argErr(1, "n (%d) is more months than the years 1-9999 hold", n)
	}
	return nil
}

// addMonths is t moved n calendar months on its location's clock (see
// add_months), in milliseconds; ok is false outside the years 1-9999.
func addMonths(t time.Time, n int) (int64, bool) {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	ns := t.Nanosecond()
	mi := int(m) - 1 + n
	y += floorDivInt(mi, 12)
	mi -= 12 * floorDivInt(mi, 12)
	if y < 0 || y > 10000 {
		return 0, false
	}
	mon := time.Month(mi + 1)
	if last := daysIn(y, mon); d > last {
		d = last
	}
	loc := t.Location()
	r := time.Date(y, mon, d, hh, mm, ss, ns, loc)
	if r.Hour() != hh || r.Minute() != mm || r.Day() != d {
		// The local time is in a gap a change of offset skips: Go's
		// Date gives it on the old side, moved back by the gap; it is
		// moved forward instead (the wall time read with the offset
		// in force before the change).
		_, before := r.Add(-24 * time.Hour).Zone()
		wall := time.Date(y, mon, d, hh, mm, ss, ns, time.UTC)
		r = wall.Add(-time.Duration(before) * time.Second)
	}
	ms := r.UnixMilli()
	if ms < MinTimeMs || ms > MaxTimeMs {
		return 0, false
	}
	return ms, true
}

func floorDivInt(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// daysIn is the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
