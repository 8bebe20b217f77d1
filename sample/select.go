package sample

import (
	"bytes"
	"container/heap"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sort"
)

// Rank is the selection rank of one population item:
// HMAC-SHA256(key = the seed's UTF-8 bytes, message = the item's key's
// UTF-8 bytes). Items are compared by their digests as big-endian numbers;
// the lowest are selected. Anyone can recompute a rank with openssl:
//
//	printf '%s' KEY | openssl dgst -sha256 -hmac SEED
func Rank(seed, key string) [32]byte {
	m := hmac.New(sha256.New, []byte(seed))
	m.Write([]byte(key))
	var out [32]byte
	copy(out[:], m.Sum(nil))
	return out
}

// Item is a selected item with its rank.
type Item struct {
	Key     string `json:"key"`
	Rank    string `json:"rank"` // hex digest
	Stratum string `json:"stratum,omitempty"`
}

type ranked struct {
	key, stratum string
	rank         [32]byte
}

// maxHeap keeps the n lowest ranks seen, the highest of them on top.
type maxHeap []ranked

func (h maxHeap) Len() int           { return len(h) }
func (h maxHeap) Less(i, j int) bool { return bytes.Compare(h[i].rank[:], h[j].rank[:]) > 0 }
func (h maxHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *maxHeap) Push(x any)        { *h = append(*h, x.(ranked)) }
func (h *maxHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Selector streams a population's keys and keeps, in memory proportional
// to the sample size, the lowest-ranked items overall or per stratum.
type Selector struct {
	mac    hash.Hash // HMAC keyed with the seed, reset per item
	sum    []byte
	seed   string
	n      int
	heaps  map[string]*maxHeap
	counts map[string]int
}

// NewSelector prepares a selection of n items with the given seed.
func NewSelector(seed string, n int) *Selector {
	return &Selector{mac: hmac.New(sha256.New, []byte(seed)), seed: seed, n: n, heaps: map[string]*maxHeap{}, counts: map[string]int{}}
}

// Add offers one item (stratum "" when not stratified).
func (s *Selector) Add(key, stratum string) { s.AddBytes([]byte(key), stratum) }

// AddBytes offers one item whose key is only valid during the call.
func (s *Selector) AddBytes(key []byte, stratum string) {
	s.counts[stratum]++
	h := s.heaps[stratum]
	if h == nil {
		h = &maxHeap{}
		s.heaps[stratum] = h
	}
	s.mac.Reset()
	s.mac.Write(key)
	s.sum = s.mac.Sum(s.sum[:0])
	var rank [32]byte
	copy(rank[:], s.sum)
	if h.Len() >= s.n && bytes.Compare(rank[:], (*h)[0].rank[:]) >= 0 {
		return
	}
	r := ranked{key: string(key), stratum: stratum, rank: rank}
	if h.Len() < s.n {
		heap.Push(h, r)
		return
	}
	if bytes.Compare(r.rank[:], (*h)[0].rank[:]) < 0 {
		(*h)[0] = r
		heap.Fix(h, 0)
	}
}

// Items returns the selection in rank order. Stratified, the n items are
// spread over the strata as evenly as their sizes allow (strata in sorted
// order take any remainder first), the lowest ranks within each stratum.
func (s *Selector) Items() []Item {
	strata := make([]string, 0, len(s.heaps))
	for k := range s.heaps {
		strata = append(strata, k)
	}
	sort.Strings(strata)
	quota := allocate(s.n, strata, s.counts)
	var picked []ranked
	for _, st := range strata {
		items := append([]ranked(nil), *s.heaps[st]...)
		sort.Slice(items, func(i, j int) bool { return bytes.Compare(items[i].rank[:], items[j].rank[:]) < 0 })
		if len(items) > quota[st] {
			items = items[:quota[st]]
		}
		picked = append(picked, items...)
	}
	sort.Slice(picked, func(i, j int) bool { return bytes.Compare(picked[i].rank[:], picked[j].rank[:]) < 0 })
	out := make([]Item, len(picked))
	for i, r := range picked {
		out[i] = Item{Key: r.key, Rank: hex.EncodeToString(r.rank[:]), Stratum: r.stratum}
	}
	return out
}

// allocate spreads n over the strata one item at a time, in turn, so the
// shares differ by at most one, and a stratum with too few items passes its
// turn on to the others.
func allocate(n int, strata []string, counts map[string]int) map[string]int {
	quota := map[string]int{}
	for n > 0 {
		gave := false
		for _, st := range strata {
			if n > 0 && quota[st] < counts[st] {
				quota[st]++
				n--
				gave = true
			}
		}
		if !gave {
			break
		}
	}
	return quota
}
