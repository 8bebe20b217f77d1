package sample

import (
	"math"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
)

func TestRangeParse(t *testing.T) {
	tests := []struct {
		r    Range
		in   string
		want float64 // 0: refused
	}{
		// A fraction and a percentage mean the same.
		{Confidence, "0.95", 0.95}, {Confidence, "95", 0.95}, {Confidence, "95%", 0.95}, {Confidence, " 95 % ", 0.95},
		{Confidence, "0.8", 0.8}, {Confidence, "80", 0.8}, {Confidence, "99.9", 0.999}, {Confidence, "0.999", 0.999},
		{Tolerable, "0.05", 0.05}, {Tolerable, "5", 0.05}, {Tolerable, "1", 0.01}, {Tolerable, "0.01", 0.01},
		{Tolerable, "20", 0.2}, {Tolerable, "0.2", 0.2}, {Tolerable, "1.5", 0.015}, {Tolerable, "0.5%", 0},
		// Outside the ranges, whichever way it is read.
		{Confidence, "1.5", 0}, {Confidence, "0.5", 0}, {Confidence, "50", 0}, {Confidence, "100", 0}, {Confidence, "99.95", 0},
		{Confidence, "0.9999", 0}, {Confidence, "79.9", 0}, {Tolerable, "0.5", 0}, {Tolerable, "25", 0}, {Tolerable, "0.009", 0},
		// Not plain numbers.
		{Confidence, "", 0}, {Confidence, "-95", 0}, {Confidence, "9.5e1", 0}, {Confidence, "0x1p-1", 0}, {Confidence, "NaN", 0},
		{Confidence, "Inf", 0}, {Confidence, "95%%", 0}, {Confidence, "9,5", 0}, {Confidence, "1.2.3", 0}, {Confidence, ".", 0},
	}
	for _, tt := range tests {
		got, err := tt.r.Parse(tt.in)
		if tt.want == 0 {
			if err == nil || attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), tt.r.Name) {
				t.Errorf("%s %q: accepted as %v (%v), want refused naming the parameter", tt.r.Name, tt.in, got, err)
			}
			continue
		}
		if err != nil || math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s %q = %v, %v; want %v", tt.r.Name, tt.in, got, err, tt.want)
		}
	}
}

// The refusal names the accepted range, in both terms for confidence.
func TestRangeRefusalNamesTheRange(t *testing.T) {
	_, err := Confidence.Parse("1.5")
	msg := attest.ErrorMessage(err)
	for _, want := range []string{"confidence 1.5 is 1.5%", "80% to 99.9%", "risk of overreliance of 0.1% to 20%", "0.95", "95"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	}
	_, err = Tolerable.Parse("30")
	if msg := attest.ErrorMessage(err); !strings.Contains(msg, "1% to 20%") {
		t.Errorf("tolerable: %q", msg)
	}
	if _, err := Statistical(0.5, 0.05, 0); err == nil || !strings.Contains(err.Error(), "80% to 99.9%") {
		t.Errorf("Statistical at 50%%: %v", err)
	}
}

func TestCap(t *testing.T) {
	stat, err := Statistical(0.95, 0.05, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		population, want int
		says             string
	}{
		{10, 10, "every item is tested"}, {59, 59, "every item is tested"}, {60, 59, "assumes a large population"},
		{1, 1, "every item"}, {0, 0, "empty"}, {-1, 59, "assumes a large population"},
	}
	for _, tt := range tests {
		got := stat.Cap(tt.population)
		if got.Size != tt.want || !strings.Contains(got.Rule, tt.says) {
			t.Errorf("Cap(%d) = %+v, want %d saying %q", tt.population, got, tt.want, tt.says)
		}
	}
	// The firm's table caps too: a daily control over a population of 20
	// days tests all 20, not 25.
	daily, _ := DefaultProfile().ForFrequency(attest.Daily)
	if got := daily.Cap(20); got.Size != 20 {
		t.Errorf("daily over 20: %+v", got)
	}
}

func FuzzRangeParse(f *testing.F) {
	for _, s := range []string{"95", "0.95", "95%", "1.5", "", "1e2", "99.9", "0.999", " 5 %", "0", "100", "1", "0.0000001", "99999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range []Range{Confidence, Tolerable} {
			v, err := r.Parse(s)
			if err != nil {
				if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), r.Name) {
					t.Fatalf("%s %q: refusal %v does not name the parameter", r.Name, s, err)
				}
				continue
			}
			// Whatever is accepted is inside the range, and reads back the
			// same as the percentage it is shown as: to its three decimals, so
			// within half of 0.001% (5e-6 as a fraction) and the float error of
			// a value exactly on the half, as 0.800025 is.
			if r.Check(v) != nil || math.IsNaN(v) {
				t.Fatalf("%s %q accepted as %v, outside the range", r.Name, s, v)
			}
			back, err := r.Parse(Percent(v*100) + "%")
			if err != nil || math.Abs(back-v) > 5e-6+1e-12 {
				t.Fatalf("%s %q = %v, but %s%% reads as %v (%v)", r.Name, s, v, Percent(v*100), back, err)
			}
		}
	})
}
