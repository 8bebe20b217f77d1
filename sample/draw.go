package sample

import (
	"fmt"
	"io"

	"github.com/attest-dev/attest"
)

// ProfileSetting is the store setting that holds the firm's sample-size
// profile (JSON, as ParseProfile reads it).
const ProfileSetting = "sample.profile"

// SelectPopulation streams a stored population's file and returns the
// selected keys and their ranks, in rank order: the selection that
// `attest sample draw` and the web app both make, so either can be
// re-performed by the other (and by hand, docs/sampling.md). With stratify
// ("month" or "quarter") the sample is spread over the population's date
// column.
func SelectPopulation(r io.Reader, p *attest.Population, seed string, size int, stratify string) ([]string, []string, error) {
	sel := NewSelector(seed, size)
	spec := Spec{Name: p.Name, Format: Format(p.Format), KeyColumn: p.KeyColumn, DateColumn: p.DateColumn, BytesOnly: true}
	strata := map[int]string{}
	// The parser passes keys in batches to a goroutine that ranks them, so
	// parsing and HMAC run on two cores at once.
	work, ranked := make(chan *keyBatch, 4), make(chan struct{})
	go func() {
		for b := range work {
			start := 0
			for i, end := range b.ends {
				sel.AddBytes(b.keys[start:end], b.strata[i])
				start = end
			}
		}
		close(ranked)
	}()
	b := newBatch()
	err := Scan(r, spec, func(r Row) error {
		stratum := ""
		if stratify != "" {
			y, m := r.Date.Year(), int(r.Date.Month())
			k := y*100 + m
			if stratify == "quarter" {
				k = y*100 + (m+2)/3
			}
			if stratum = strata[k]; stratum == "" {
				if stratify == "month" {
					stratum = fmt.Sprintf("%d-%02d", y, m)
				} else {
					stratum = fmt.Sprintf("%d-Q%d", y, (m+2)/3)
				}
				strata[k] = stratum
			}
		}
		b.keys = append(b.keys, r.KeyBytes...)
		b.ends = append(b.ends, len(b.keys))
		b.strata = append(b.strata, stratum)
		if len(b.ends) == cap(b.ends) {
			work <- b
			b = newBatch()
		}
		return nil
	})
	work <- b
	close(work)
	<-ranked
	if err != nil {
		return nil, nil, err
	}
	items, ranks := []string{}, []string{}
	for _, it := range sel.Items() {
		items = append(items, it.Key)
		ranks = append(ranks, it.Rank)
	}
	return items, ranks, nil
}

// keyBatch carries parsed keys to the ranking goroutine.
type keyBatch struct {
	keys   []byte
	ends   []int
	strata []string
}

func newBatch() *keyBatch {
	return &keyBatch{keys: make([]byte, 0, 64<<10), ends: make([]int, 0, 4096), strata: make([]string, 0, 4096)}
}
