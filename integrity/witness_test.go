package integrity

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/witness"
)

// history is a ledger of n entries whose contents depend on variant, so
// two variants share a prefix up to the first entry where they differ.
func history(t *testing.T, n int, differFrom int, variant string) *ledger.Memory {
	t.Helper()
	m := &ledger.Memory{}
	for i := range n {
		data := fmt.Sprintf(`{"i":%d}`, i)
		if i >= differFrom {
			data = fmt.Sprintf(`{"i":%d,"v":%q}`, i, variant)
		}
		rec, err := ledger.Encode(ledger.Entry{Seq: int64(i), Type: "t", Time: "2026-01-01T00:00:00Z", Actor: "a", Data: json.RawMessage(data)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Append(rec); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

type keyPair struct{ priv, pub string }

func newKey(t *testing.T) keyPair {
	priv, pub, err := ledger.GenerateKey("attest-0000aaaa")
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{priv, pub}
}

// signed are the checkpoints of tree at the given sizes.
func signed(t *testing.T, k keyPair, tree *ledger.Memory, sizes ...int64) [][]byte {
	t.Helper()
	var out [][]byte
	for _, n := range sizes {
		root, err := tree.Root(n)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ledger.Sign(n, root, k.priv)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func TestJudge(t *testing.T) {
	k, other := newKey(t), newKey(t)
	full := history(t, 30, 30, "") // what the witness saw
	cases := []struct {
		name     string
		forked   bool  // the ledger shares only its first 12 entries with full
		size     int64 // how many entries the data directory holds
		internal int64
		notes    [][]byte
		status   string
		matched  int64
		problem  string
	}{
		{"up to date", false, 30, 30, signed(t, k, full, 5, 20, 30), WitnessOK, 30, ""},
		{"witness behind", false, 30, 30, signed(t, k, full, 5, 20), WitnessOK, 20, ""},
		{"rolled back to a witnessed tree", false, 20, 20, signed(t, k, full, 5, 20, 30), WitnessRolledBack, 20, RolledBack},
		{"rolled back between checkpoints", false, 25, 25, signed(t, k, full, 5, 20, 30), WitnessRolledBack, 20, RolledBack},
		{"truncated inside too", false, 20, 30, signed(t, k, full, 20, 30), WitnessTruncated, 20, ""},
		{"forked, longer", true, 30, 30, signed(t, k, full, 5, 20, 30), WitnessForked, 5, Forked},
		{"forked, shorter", true, 25, 25, signed(t, k, full, 5, 20, 30), WitnessForked, 5, Forked},
		{"forked after the witness's last", true, 30, 30, signed(t, k, full, 5, 10), WitnessOK, 10, ""},
		{"another key", false, 30, 30, signed(t, other, full, 30), WitnessBadKey, 0, WitnessInvalid},
		{"a forged signature on the largest", false, 30, 30, append(signed(t, k, full, 5, 20), forge(signed(t, k, full, 30)[0])), WitnessBadKey, 20, WitnessInvalid},
		{"a forged signature on a larger tree", false, 20, 20, append(signed(t, k, full, 5, 20), forge(signed(t, k, full, 30)[0])), WitnessBadKey, 20, WitnessInvalid},
		{"empty", false, 30, 30, nil, WitnessEmpty, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tree := history(t, int(c.size), 30, "")
			if c.forked {
				tree = history(t, int(c.size), 12, "b")
			}
			r := &Report{}
			res := judge(tree, c.internal, k.pub, "file:/w", c.notes, r)
			if res.Status != c.status || res.Matched != c.matched {
				t.Errorf("status %q, matched %d; want %q, %d (%s)", res.Status, res.Matched, c.status, c.matched, res.Detail)
			}
			var kinds []string
			for _, p := range r.Problems {
				kinds = append(kinds, p.Kind)
			}
			if strings.Join(kinds, ",") != c.problem {
				t.Errorf("problems %v, want %q", r.Problems, c.problem)
			}
		})
	}
}

func TestRolledBackDetail(t *testing.T) {
	k := newKey(t)
	full := history(t, 30, 30, "")
	r := &Report{}
	judge(history(t, 20, 30, ""), 20, k.pub, "file:/w", signed(t, k, full, 20, 30), r)
	if len(r.Problems) != 1 || r.Problems[0].Entry != 20 || r.Problems[0].Ref != "file:/w" ||
		!strings.Contains(r.Problems[0].Detail, "exactly the tree of 20 entries it saw earlier") || !strings.Contains(r.Problems[0].Detail, "the entries from 20 to 29 are gone") {
		t.Errorf("%+v", r.Problems)
	}
}

// forge spoils a signed note's signature.
func forge(note []byte) []byte {
	b := append([]byte{}, note...)
	b[len(b)-5] ^= 1
	return b
}

type fakeWitness struct {
	name  string
	notes [][]byte
	err   error
}

func (f fakeWitness) Name() string                                  { return f.name }
func (f fakeWitness) Checkpoints(context.Context) ([][]byte, error) { return f.notes, f.err }

func TestCheckWitnesses(t *testing.T) {
	k := newKey(t)
	tree := history(t, 10, 10, "")
	in := Input{PublicKey: k.pub, WitnessedKey: newKey(t).pub, Witnesses: []Witness{
		fakeWitness{name: "a", notes: signed(t, k, tree, 10)},
		fakeWitness{name: "b", err: witness.ErrReceiveOnly},
		fakeWitness{name: "c", err: attest.Errorf(attest.EUNAVAILABLE, "down")},
		fakeWitness{name: "d", err: attest.Errorf(attest.EINVALID, "witness d: line 3: a carriage return")},
	}}
	r := &Report{}
	checkWitnesses(context.Background(), in, tree, 10, r)
	var got []string
	for _, w := range r.Witnesses {
		got = append(got, w.Name+"="+w.Status)
	}
	if want := "a=ok b=receive_only c=unreachable d=invalid"; strings.Join(got, " ") != want {
		t.Errorf("statuses %v, want %s", got, want)
	}
	var kinds []string
	for _, p := range r.Problems {
		kinds = append(kinds, p.Kind)
	}
	if want := "key_changed,witness_invalid"; strings.Join(kinds, ",") != want {
		t.Errorf("problems %v, want %s", r.Problems, want)
	}
}

// BenchmarkJudge is what verify spends on a witness that holds a
// checkpoint for each of 10,000 writes to a ledger of 10,000 entries:
// parsing and verifying every signature, and a consistency proof for
// each.
func BenchmarkJudge(b *testing.B) {
	t := &testing.T{}
	k := newKey(t)
	tree := history(t, 10_000, 10_000, "")
	sizes := make([]int64, 10_000)
	for i := range sizes {
		sizes[i] = int64(i + 1)
	}
	notes := signed(t, k, tree, sizes...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := judge(tree, 10_000, k.pub, "w", notes, &Report{}); res.Status != WitnessOK {
			b.Fatal(res)
		}
	}
}
