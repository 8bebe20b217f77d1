package ledger

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"golang.org/x/mod/sumdb/tlog"
)

func record(t testing.TB, seq int64) []byte {
	t.Helper()
	b, err := Encode(Entry{Seq: seq, Type: "evidence.added", Time: "2026-03-01T10:00:00Z", Actor: "dana", Data: json.RawMessage(fmt.Sprintf(`{"z":1,"a":"evidence %d","n":1.50}`, seq))})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncodeIsCanonical(t *testing.T) {
	b := record(t, 7)
	want := `{"actor":"dana","data":{"a":"evidence 7","n":1.5,"z":1},"seq":7,"time":"2026-03-01T10:00:00Z","type":"evidence.added"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if !Canonical(b) || Canonical([]byte(`{"seq":7, "actor":"dana"}`)) {
		t.Error("Canonical")
	}
	e, err := Decode(b)
	if err != nil || e.Seq != 7 || e.Actor != "dana" {
		t.Errorf("Decode: %+v %v", e, err)
	}
}

func build(t testing.TB, n int) (*Memory, [][]byte) {
	m := &Memory{}
	var recs [][]byte
	for i := 0; i < n; i++ {
		r := record(t, int64(i))
		if _, err := m.Append(r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	return m, recs
}

func TestProofs(t *testing.T) {
	priv, pub, err := GenerateKey("attest-test")
	if err != nil {
		t.Fatal(err)
	}
	m, recs := build(t, 37)
	root, _ := m.Root(37)
	cp, err := Sign(37, root, priv)
	if err != nil {
		t.Fatal(err)
	}
	oldRoot, _ := m.Root(20)
	oldCP, _ := Sign(20, oldRoot, priv)

	p, err := Prove(m, recs[11], 11, 37, cp, 20)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(p)
	parsed, err := ParseProof(b)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(parsed, pub, oldCP)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if res.Entry.Seq != 11 || res.Size != 37 || res.OldSize != 20 {
		t.Errorf("result %+v", res)
	}
	// Without a trusted checkpoint, and with the same checkpoint as trusted.
	if _, err := Verify(parsed, pub, nil); err != nil {
		t.Error(err)
	}
	if _, err := Verify(parsed, pub, cp); err != nil {
		t.Error(err)
	}

	// A changed record is not in the tree.
	bad := *parsed
	bad.Record = base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(recs[11]), "dana", "mallory", 1)))
	if _, err := Verify(&bad, pub, oldCP); err == nil || !strings.Contains(err.Error(), "inclusion proof fails") {
		t.Errorf("changed record: %v", err)
	}
	// A log rewritten before the trusted checkpoint fails consistency.
	m2 := &Memory{}
	for i, r := range recs {
		if i == 3 {
			r = record(t, 999)
		}
		m2.Append(r)
	}
	root2, _ := m2.Root(37)
	cp2, _ := Sign(37, root2, priv)
	p2, _ := Prove(m2, recs[11], 11, 37, cp2, 20)
	if _, err := Verify(p2, pub, oldCP); err == nil || !strings.Contains(err.Error(), "consistency proof fails") {
		t.Errorf("rewritten history: %v", err)
	}
	// Truncation: the trusted checkpoint is larger than the proof's.
	smallRoot, _ := m.Root(15)
	smallCP, _ := Sign(15, smallRoot, priv)
	p3, _ := Prove(m, recs[2], 2, 15, smallCP, 0)
	if _, err := Verify(p3, pub, cp); err == nil || !strings.Contains(err.Error(), "shrank") {
		t.Errorf("truncated: %v", err)
	}
	// Another key.
	_, otherPub, _ := GenerateKey("attest-other")
	if _, err := Verify(parsed, otherPub, nil); err == nil {
		t.Error("a proof verified with another key")
	}
	if _, err := Prove(m, recs[0], 40, 37, cp, 0); err == nil {
		t.Error("proof of a missing entry")
	}
}

func TestCheckpointText(t *testing.T) {
	priv, pub, _ := GenerateKey("attest-abc")
	m, _ := build(t, 5)
	root, _ := m.Root(5)
	signed, _ := Sign(5, root, priv)
	cp, err := Open(signed, pub)
	if err != nil || cp.Size != 5 || cp.Root != root || cp.Origin != "attest-abc" {
		t.Fatalf("Open: %+v %v", cp, err)
	}
	if !strings.HasPrefix(string(signed), "attest-abc\n5\n"+root.String()+"\n\n— attest-abc ") {
		t.Errorf("signed note:\n%s", signed)
	}
	tampered := strings.Replace(string(signed), "\n5\n", "\n6\n", 1)
	if _, err := Open([]byte(tampered), pub); err == nil {
		t.Error("a tampered checkpoint opened")
	}
	for _, bad := range []string{"", "a\n1\n", "a\n-1\nAAAA\n", "a b\n1\n" + root.String() + "\n", "a\n01\n" + root.String() + "\n", "a\n1\nxyz\n", "a\n1\n" + root.String() + "\nextra\n"} {
		if _, err := ParseCheckpoint(bad); err == nil {
			t.Errorf("ParseCheckpoint(%q) accepted", bad)
		}
	}
}

func TestMemoryMatchesTlog(t *testing.T) {
	m, recs := build(t, 100)
	for _, n := range []int64{1, 2, 3, 64, 65, 100} {
		got, _ := m.Root(n)
		// Recompute independently from leaf hashes with tlog's own reader.
		var stored []tlog.Hash
		r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(idx))
			for i, x := range idx {
				out[i] = stored[x]
			}
			return out, nil
		})
		for i := int64(0); i < n; i++ {
			hs, _ := tlog.StoredHashes(i, recs[i], r)
			stored = append(stored, hs...)
		}
		want, _ := tlog.TreeHash(n, r)
		if got != want {
			t.Errorf("root(%d) differs", n)
		}
	}
}

func FuzzParseCheckpoint(f *testing.F) {
	f.Add("attest-x\n3\n" + tlog.Hash{}.String() + "\n")
	f.Add("a\n0\nAAAA\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCheckpoint(s)
		if err != nil {
			return
		}
		if c.Text() != s {
			t.Fatalf("round trip: %q -> %q", s, c.Text())
		}
	})
}

func FuzzVerifyProof(f *testing.F) {
	priv, pub, _ := GenerateKey("attest-fuzz")
	m, recs := build(f, 9)
	root, _ := m.Root(9)
	cp, _ := Sign(9, root, priv)
	p, _ := Prove(m, recs[4], 4, 9, cp, 3)
	b, _ := json.Marshal(p)
	f.Add(b)
	f.Add([]byte(`{"entry":0}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := ParseProof(in)
		if err != nil {
			return
		}
		res, err := Verify(p, pub, nil)
		if err == nil && res.Size != 9 {
			t.Fatalf("verified a proof for a tree never signed: %+v", res)
		}
	})
}

func TestPublicKey(t *testing.T) {
	priv, pub, err := GenerateKey("attest-0a1b2c3d")
	if err != nil {
		t.Fatal(err)
	}
	got, err := PublicKey(priv + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if got != pub {
		t.Errorf("PublicKey = %q, want %q", got, pub)
	}
	signed, err := Sign(3, tlog.Hash{1}, priv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(signed, got); err != nil {
		t.Errorf("a checkpoint signed with the key does not open with its derived public key: %v", err)
	}
	for _, bad := range []string{"", pub, "PRIVATE+KEY+x+00000000+AQ==", strings.Replace(priv, "attest-0a1b2c3d", "attest-0a1b2c3e", 1)} {
		if _, err := PublicKey(bad); err == nil {
			t.Errorf("PublicKey(%q) accepted a bad key", bad)
		}
	}
}

// stored is a ledger kept as a store keeps it: records by sequence number
// and the tree's hashes.
type stored struct {
	m     *Memory
	recs  [][]byte
	scans int
}

func (s *stored) ScanLedger(_ context.Context, from, to int64, fn func(int64, []byte) error) error {
	s.scans++
	for n := from; n < to && n < int64(len(s.recs)); n++ {
		if err := fn(n, s.recs[n]); err != nil {
			return err
		}
	}
	return nil
}

func (s *stored) ReadHashes(_ context.Context, idx []int64) ([]tlog.Hash, error) {
	return s.m.ReadHashes(idx)
}

func TestProveStored(t *testing.T) {
	priv, pub, _ := GenerateKey("attest-test")
	m, recs := build(t, 12)
	s := &stored{m: m, recs: recs}
	root, _ := m.Root(12)
	cp, _ := Sign(12, root, priv)
	oldRoot, _ := m.Root(5)
	oldCP, _ := Sign(5, oldRoot, priv)

	p, err := ProveStored(context.Background(), s, 7, 12, cp, 5)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(p, pub, oldCP)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if res.Entry.Seq != 7 || res.OldSize != 5 {
		t.Errorf("result %+v", res)
	}
	// The same proof as Prove's over the records themselves.
	want, _ := Prove(m, recs[7], 7, 12, cp, 5)
	if a, b := mustJSON(t, p), mustJSON(t, want); a != b {
		t.Errorf("ProveStored %s\nProve %s", a, b)
	}
	// An entry past the signed tree is not found, and no record is read.
	s.scans = 0
	_, err = ProveStored(context.Background(), s, 12, 12, cp, 0)
	if attest.ErrorCode(err) != attest.ENOTFOUND || !strings.Contains(err.Error(), "no entry 12: the signed checkpoint holds 12 entries (0 to 11)") || s.scans != 0 {
		t.Errorf("past the tree: %v (%d scans)", err, s.scans)
	}
	// A record the store no longer has is not found either.
	s.recs = recs[:7]
	if _, err := ProveStored(context.Background(), s, 7, 12, cp, 0); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("missing record: %v", err)
	}
}

// TestProveEntry: the proof against a signed checkpoint, opened with the
// key or, without one, only parsed; a reader the entry's data refuses is
// refused before anything is proved; a checkpoint signed by another key
// proves nothing.
func TestProveEntry(t *testing.T) {
	ctx := context.Background()
	priv, pub, _ := GenerateKey("attest-test")
	m, recs := build(t, 12)
	s := &stored{m: m, recs: recs}
	root, _ := m.Root(12)
	cp, _ := Sign(12, root, priv)
	for _, key := range []string{pub, ""} {
		p, c, err := ProveEntry(ctx, s, cp, key, 7, 0, nil, "")
		if err != nil || c.Size != 12 {
			t.Fatalf("key %q: %v, size %d", key, err, c.Size)
		}
		if _, err := Verify(p, pub, nil); err != nil {
			t.Errorf("key %q: the proof does not verify: %v", key, err)
		}
	}
	var asked []string
	may := func(data []byte) bool { asked = append(asked, string(data)); return false }
	if _, _, err := ProveEntry(ctx, s, cp, pub, 7, 0, may, "is not yours"); attest.ErrorCode(err) != attest.EFORBIDDEN || err.Error() != "entry 7 is not yours" || len(asked) != 1 {
		t.Errorf("a refused reader: %v (asked %d times)", err, len(asked))
	}
	// Past the tree nothing is asked: the answer is that it is not there.
	if _, _, err := ProveEntry(ctx, s, cp, pub, 12, 0, may, "is not yours"); attest.ErrorCode(err) != attest.ENOTFOUND || len(asked) != 1 {
		t.Errorf("past the tree: %v", err)
	}
	other, _, _ := GenerateKey("attest-test")
	forged, _ := Sign(12, root, other)
	if _, _, err := ProveEntry(ctx, s, forged, pub, 7, 0, nil, ""); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("a checkpoint under another key: %v", err)
	}
}

// TestRecent: the newest entries first, without their data, up to the
// limit; with a filter, only those it keeps, read back in chunks past the
// first until there are enough or none is left.
func TestRecent(t *testing.T) {
	ctx := context.Background()
	m, recs := build(t, 2500)
	s := &stored{m: m, recs: recs}
	seqs := func(es []Entry) []int64 {
		var out []int64
		for _, e := range es {
			if e.Data != nil {
				t.Errorf("entry %d keeps its data", e.Seq)
			}
			out = append(out, e.Seq)
		}
		return out
	}
	all, err := Recent(ctx, s, 2500, 3, nil)
	if err != nil || !slices.Equal(seqs(all), []int64{2499, 2498, 2497}) || s.scans != 1 {
		t.Errorf("newest three: %v, %v (%d scans)", seqs(all), err, s.scans)
	}
	// Entries 0 to 9 only ("evidence 0" to "evidence 9"): far back.
	s.scans = 0
	early := func(data []byte) bool {
		return bytes.Contains(data, []byte(`"evidence `)) && len(data) == len(`{"a":"evidence 0","n":1.5,"z":1}`)
	}
	got, err := Recent(ctx, s, 2500, 4, early)
	if err != nil || !slices.Equal(seqs(got), []int64{9, 8, 7, 6}) || s.scans != 3 {
		t.Errorf("the early ones: %v, %v (%d scans)", seqs(got), err, s.scans)
	}
	if none, _ := Recent(ctx, s, 2500, 4, func([]byte) bool { return false }); len(none) != 0 {
		t.Errorf("nothing kept: %v", seqs(none))
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestInvalidText: a string JSON cannot hold is found wherever it is in
// an entry's data, by its JSON path; valid text and bytes are not.
func TestInvalidText(t *testing.T) {
	type item struct {
		Key  string `json:"key"`
		Note string `json:"note,omitempty"`
	}
	type inner struct{ Detail string }
	type record struct {
		Name   string            `json:"name"`
		Hidden string            `json:"-"`
		Items  []item            `json:"items"`
		Meta   map[string]string `json:"meta"`
		Raw    []byte            `json:"raw"`
		Ptr    *item             `json:"ptr"`
		Any    any               `json:"any"`
		inner
	}
	bad := "Eve\xff\xfe"
	for _, c := range []struct {
		v    any
		want string
	}{
		{record{Name: "Eve", Items: []item{{Key: "a"}}, Meta: map[string]string{"k": "v"}, Raw: []byte{0xff}}, ""},
		{record{Name: "Ève, 日本"}, ""},
		{record{Hidden: bad}, ""},
		{record{Name: bad}, "name"},
		{record{Items: []item{{Key: "a"}, {Key: "b", Note: bad}}}, "items[1].note"},
		{record{Meta: map[string]string{"k": bad}}, "meta.k"},
		{record{Meta: map[string]string{bad: "v"}}, "meta"},
		{record{Ptr: &item{Key: bad}}, "ptr.key"},
		{record{Any: map[string]any{"x": []string{bad}}}, "any.x[0]"},
		{record{inner: inner{Detail: bad}}, "Detail"}, // an embedded struct's fields are written
		{&record{Name: bad}, "name"},
		{bad, "."},
		{nil, ""},
	} {
		if got := InvalidText(c.v); got != c.want {
			t.Errorf("%+v: %q, want %q", c.v, got, c.want)
		}
	}
}
