package stdlib

import (
	"testing"
	"time"
)

// TestTimeFormatterMatchesTime: Append and Civil agree with package time
// in zones with and without daylight saving, for timestamps in order (the
// cached day is reused) and out of order (it is recomputed), across DST
// changes, midnights and years outside 0..9999. An offset that is not
// whole minutes (local mean time) is written with its seconds, so that
// every text parses back (ParseRFC3339) to the instant it was made from.
func TestTimeFormatterMatchesTime(t *testing.T) {
	// Europe/Amsterdam and Africa/Monrovia had offsets with seconds
	// (+00:19:32, -00:44:30), so their minutes do not start on UTC minutes.
	zones := []string{"UTC", "Asia/Seoul", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Europe/Amsterdam", "Africa/Monrovia"}
	r := NewRand(3)
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for _, z := range zones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatal(err)
		}
		f := NewTimeFormatter(loc)
		var ms []int64
		at := base
		for i := 0; i < 20000; i++ { // in order: minutes to hours apart, over a year
			at += int64(r.Uint64n(3 * 3600000))
			ms = append(ms, at)
		}
		// In order and dense (many records a minute, which reuse the
		// minute's text), through this zone's daylight-saving changes.
		for _, tr := range []time.Time{time.Date(2025, 3, 30, 0, 0, 0, 0, time.UTC), time.Date(2025, 10, 26, 0, 0, 0, 0, time.UTC),
			time.Date(2025, 3, 9, 6, 0, 0, 0, time.UTC), time.Date(2025, 11, 2, 5, 0, 0, 0, time.UTC), time.Date(2025, 4, 5, 14, 0, 0, 0, time.UTC)} {
			at := tr.Add(-3 * time.Hour).UnixMilli()
			for i := 0; i < 3000; i++ {
				at += int64(r.Uint64n(12000))
				ms = append(ms, at)
			}
		}
		for i := 0; i < 5000; i++ { // out of order, 1900..2200
			ms = append(ms, int64(r.Uint64n(300*365*86400000))-70*365*86400000)
		}
		for _, old := range []time.Time{time.Date(1935, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(1972, 1, 7, 0, 0, 0, 0, time.UTC)} {
			at := old.UnixMilli()
			for i := 0; i < 2000; i++ { // old offsets with seconds, dense
				at += int64(r.Uint64n(9000))
				ms = append(ms, at)
			}
		}
		ms = append(ms, -62135596800000-1, 253402300800000, 0, -1) // year 0 / 10000 edges, the epoch
		for _, m := range ms {
			tt := time.UnixMilli(m).In(loc)
			layout := "2006-01-02T15:04:05.000-07:00"
			if _, off := tt.Zone(); off%60 != 0 {
				layout = "2006-01-02T15:04:05.000-07:00:00"
			}
			got := string(f.Append(nil, m))
			if want := tt.Format(layout); got != want {
				t.Fatalf("%s %d: Append %s, want %s", z, m, got, want)
			}
			if y := tt.Year(); y >= 0 && y <= 9999 {
				if back, err := ParseRFC3339(got); err != nil || back.UnixMilli() != m {
					t.Fatalf("%s %d: Append %s reads back as %v (%v)", z, m, got, back.UnixMilli(), err)
				}
			}
			y, mo, d, h, mi, wd := f.Civil(m)
			if y != int64(tt.Year()) || mo != int64(tt.Month()) || d != int64(tt.Day()) || h != int64(tt.Hour()) || mi != int64(tt.Minute()) || wd != int64((tt.Weekday()+6)%7) {
				t.Fatalf("%s %d: Civil %d-%d-%d %d:%d wd %d, want %s", z, m, y, mo, d, h, mi, wd, tt)
			}
		}
	}
}

func BenchmarkTimeFormatterAppend(b *testing.B) {
	loc, _ := time.LoadLocation("Asia/Seoul")
	// Records a few seconds apart on average, and about 23 s apart (a
	// worker's share of clickstream's 2.8 M records over a year, with two
	// workers), at random gaps as a worker writes them.
	for _, mean := range []float64{8000, 23000} {
		b.Run(time.Duration(mean*1e6).String(), func(b *testing.B) {
			r := NewRand(1)
			gaps := make([]int64, 4096)
			for i := range gaps {
				gaps[i] = int64(r.ExpZig() * mean)
			}
			f := NewTimeFormatter(loc)
			buf := make([]byte, 0, 64)
			at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
			for i := 0; i < b.N; i++ {
				at += gaps[i&4095]
				buf = f.Append(buf[:0], at)
			}
		})
	}
}
