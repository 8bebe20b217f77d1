package witness_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/attest-dev/attest/witness"
)

// TestSetSendAll sends a checkpoint to a data directory's three witnesses,
// one of them a webhook that refuses it: the other two keep it, and the
// refusal is answered with the witness's name.
func TestSetSendAll(t *testing.T) {
	ctx := context.Background()
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer refusing.Close()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	s := newSigner(t, "attest-0000aaaa")
	one, two := "file:"+filepath.Join(dir, "one.witness"), "file:"+filepath.Join(dir, "two.witness")
	c := &witness.Config{}
	for _, loc := range []string{one, refusing.URL + "/w", two} {
		if _, err := c.Add(data, s.pub, loc); err != nil {
			t.Fatal(err)
		}
	}
	var pool witness.Pool
	set, err := pool.Open(ctx, c, data, witness.Options{HTTP: refusing.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if set.Key != s.pub || len(set.Witnesses) != 3 {
		t.Fatalf("the set has key %q and %d witnesses, want %q and 3", set.Key, len(set.Witnesses), s.pub)
	}
	signed := s.sign(5)
	failed := set.SendAll(ctx, signed)
	if len(failed) != 1 || failed[0].Witness != refusing.URL+"/w" || failed[0].Err == nil {
		t.Fatalf("SendAll answered %+v, want the webhook's refusal alone", failed)
	}
	for _, loc := range []string{one, two} {
		w, err := witness.Open(ctx, loc, witness.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.Checkpoints(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !bytes.Equal(got[0], signed) {
			t.Errorf("%s holds %q, want the one checkpoint sent", loc, got)
		}
	}
}

// TestPoolKeepsOpen opens each location once: a second set of the same
// data directory has the same witnesses, and another directory none.
func TestPoolKeepsOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	c := &witness.Config{}
	if _, err := c.Add(data, newSigner(t, "attest-0000aaaa").pub, "file:"+filepath.Join(dir, "one.witness")); err != nil {
		t.Fatal(err)
	}
	var pool witness.Pool
	a, err := pool.Open(ctx, c, data, witness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := pool.Open(ctx, c, data, witness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Witnesses) != 1 || len(b.Witnesses) != 1 || a.Witnesses[0] != b.Witnesses[0] {
		t.Errorf("two sets of one directory have %v and %v, want the same one witness", a.Witnesses, b.Witnesses)
	}
	none, err := pool.Open(ctx, c, filepath.Join(dir, "other"), witness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if none.Key != "" || len(none.Witnesses) != 0 || none.SendAll(ctx, []byte("x")) != nil {
		t.Errorf("a directory the list does not name has %+v, want an empty set", none)
	}
}
