package sample

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func TestStatisticalSizes(t *testing.T) {
	// DOMAIN.md section 8: exact binomial sizes with no deviations allowed.
	tests := []struct {
		c, tol  float64
		k, want int
	}{
		{0.95, 0.05, 0, 59}, {0.95, 0.10, 0, 29}, {0.90, 0.05, 0, 45}, {0.90, 0.10, 0, 22},
		{0.95, 0.05, 1, 93}, {0.90, 0.10, 1, 38},
	}
	for _, tt := range tests {
		got, err := Statistical(tt.c, tt.tol, tt.k)
		if err != nil || got.Size != tt.want || !strings.Contains(got.Rule, "exact binomial") {
			t.Errorf("Statistical(%v, %v, %d) = %+v, %v; want %d", tt.c, tt.tol, tt.k, got, err, tt.want)
		}
	}
	for _, bad := range [][2]float64{{0, 0.05}, {1, 0.05}, {0.95, 0}, {0.95, 1.5}, {0.5, 0.05}, {0.9995, 0.05}, {0.95, 0.005}, {0.95, 0.25}} {
		if _, err := Statistical(bad[0], bad[1], 0); err == nil {
			t.Errorf("Statistical(%v) accepted", bad)
		}
	}
}

func TestTableSizes(t *testing.T) {
	p := DefaultProfile()
	freq := map[attest.Frequency]int{attest.Annual: 1, attest.SemiAnnual: 1, attest.Quarterly: 2, attest.Monthly: 2,
		attest.SemiMonthly: 5, attest.BiWeekly: 5, attest.Weekly: 5, attest.Daily: 25, attest.MultipleDaily: 40}
	for f, want := range freq {
		if got, err := p.ForFrequency(f); err != nil || got.Size != want {
			t.Errorf("%s: %+v %v, want %d", f, got, err, want)
		}
	}
	pop := map[int]int{1: 1, 2: 2, 4: 2, 5: 2, 12: 2, 13: 5, 52: 5, 53: 25, 365: 25, 366: 40, 100000: 40, 0: 0}
	for n, want := range pop {
		if got, err := p.ForPopulation(n); err != nil || got.Cap(n).Size != want {
			t.Errorf("population %d: %+v %v, want %d", n, got, err, want)
		}
	}
	// The rule says once that a population no larger than the sample is
	// tested whole.
	for _, n := range []int{1, 2} {
		if got, _ := p.ForPopulation(n); strings.Count(got.Cap(n).Rule, "every item is tested") != 1 {
			t.Errorf("a population of %d, no larger than the sample: %q", n, got.Cap(n).Rule)
		}
	}
}

func TestParseProfile(t *testing.T) {
	good := `{"name":"Example CPA","by_frequency":{"quarterly":3,"monthly":3},"event_driven":[{"max":10,"size":3},{"max":0,"size":30}]}`
	p, err := ParseProfile("p.json", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := p.ForPopulation(8); s.Size != 3 {
		t.Errorf("firm band: %+v", s)
	}
	for _, bad := range []string{`{`, `{"by_frequency":{"hourly":2},"event_driven":[{"max":0,"size":1}]}`, `{"by_frequency":{},"event_driven":[{"max":5,"size":1}]}`,
		`{"by_frequency":{"monthly":0},"event_driven":[{"max":0,"size":1}]}`, `{"event_driven":[{"max":10,"size":1},{"max":5,"size":2},{"max":0,"size":3}]}`} {
		if _, err := ParseProfile("p.json", []byte(bad)); err == nil {
			t.Errorf("ParseProfile(%s) accepted", bad)
		}
	}
}

// hmacByHand computes HMAC-SHA256 from its definition (RFC 2104), without
// crypto/hmac, as an independent check of Rank.
func hmacByHand(key, msg string) string {
	k := []byte(key)
	if len(k) > 64 {
		s := sha256.Sum256(k)
		k = s[:]
	}
	ipad, opad := make([]byte, 64), make([]byte, 64)
	copy(ipad, k)
	copy(opad, k)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	inner := sha256.Sum256(append(ipad, []byte(msg)...))
	outer := sha256.Sum256(append(opad, inner[:]...))
	return hex.EncodeToString(outer[:])
}

func TestRankIsHMAC(t *testing.T) {
	for _, c := range [][2]string{{"2026-audit-seed", "CHG-1042"}, {"", "x"}, {strings.Repeat("k", 100), "ünïcode"}} {
		r := Rank(c[0], c[1])
		if got := hex.EncodeToString(r[:]); got != hmacByHand(c[0], c[1]) {
			t.Errorf("Rank(%q, %q) = %s, want %s", c[0], c[1], got, hmacByHand(c[0], c[1]))
		}
	}
	if _, err := exec.LookPath("openssl"); err == nil {
		out, err := exec.Command("sh", "-c", "printf '%s' CHG-1042 | openssl dgst -sha256 -hmac 2026-audit-seed").Output()
		r := Rank("2026-audit-seed", "CHG-1042")
		if err != nil || !strings.Contains(string(out), hex.EncodeToString(r[:])) {
			t.Errorf("openssl says %q (%v), Rank says %x", out, err, r)
		}
	}
}

func keys(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("CHG-%05d", i))
	}
	return out
}

func draw(seed string, n int, ks []string) []string {
	s := NewSelector(seed, n)
	for _, k := range ks {
		s.Add(k, "")
	}
	var out []string
	for _, it := range s.Items() {
		out = append(out, it.Key)
	}
	return out
}

func TestSelectionIsReproducible(t *testing.T) {
	ks := keys(5000)
	a := draw("seed-1", 25, ks)
	shuffled := append([]string(nil), ks...)
	rand.New(rand.NewSource(7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if diff := cmp.Diff(a, draw("seed-1", 25, shuffled)); diff != "" {
		t.Errorf("shuffled rows changed the sample:\n%s", diff)
	}
	if cmp.Equal(a, draw("seed-2", 25, ks)) {
		t.Error("another seed gave the same sample")
	}
	// Independent recomputation: rank every key by hand, sort, take 25.
	type kr struct{ k, r string }
	var all []kr
	for _, k := range ks {
		all = append(all, kr{k, hmacByHand("seed-1", k)})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].r < all[j].r })
	var want []string
	for _, x := range all[:25] {
		want = append(want, x.k)
	}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("selection differs from an independent recomputation:\n%s", diff)
	}
	if got := draw("s", 10, keys(4)); len(got) != 4 {
		t.Errorf("a sample larger than the population takes every item: %v", got)
	}
}

func TestStratified(t *testing.T) {
	s := NewSelector("seed", 10)
	months := map[string]int{"2026-01": 50, "2026-02": 2, "2026-03": 50}
	for m, n := range months {
		for i := 0; i < n; i++ {
			s.Add(fmt.Sprintf("%s-%d", m, i), m)
		}
	}
	per := map[string]int{}
	for _, it := range s.Items() {
		per[it.Stratum]++
	}
	// 10 over 3 months: 4, 3, 3; February has only 2, so its extra one
	// goes to the others.
	if per["2026-02"] != 2 || per["2026-01"]+per["2026-03"] != 8 || per["2026-01"] < 4 || per["2026-03"] < 4 {
		t.Errorf("allocation %v", per)
	}
}

// TestWorkedExample keeps docs/sampling.md's example true.
func TestWorkedExample(t *testing.T) {
	got := draw("fieldwork-2026", 2, []string{"CHG-1001", "CHG-1002", "CHG-1003", "CHG-1004", "CHG-1005"})
	if diff := cmp.Diff([]string{"CHG-1005", "CHG-1002"}, got); diff != "" {
		t.Errorf("worked example:\n%s", diff)
	}
}
