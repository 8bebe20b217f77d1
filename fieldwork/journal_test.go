package fieldwork_test

import (
	"encoding/json"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/fieldwork"
)

// TestContinues: a statement is signed only when it follows the last one
// the auditor's journal holds for its engagement, chained to it; other
// engagements' statements do not count.
func TestContinues(t *testing.T) {
	statement := func(eng string, seq int64, prev string) (auditsig.Body, string) {
		b := auditsig.Body{V: 1, Engagement: eng, Key: "SHA256:k", Seq: seq, Prev: prev, Kind: "test", At: "2026-12-07T09:00:00Z", Act: json.RawMessage(`{}`)}
		text, err := auditsig.Encode(b)
		if err != nil {
			t.Fatal(err)
		}
		return b, text
	}
	_, s1 := statement("e1", 1, "")
	_, s2 := statement("e1", 2, auditsig.Hash(s1))
	_, other := statement("e2", 7, "x")
	js := []fieldwork.JournalEntry{{Statement: s1}, {Statement: other}, {Statement: s2}}
	next, _ := statement("e1", 3, auditsig.Hash(s2))
	first, _ := statement("e3", 1, "")
	for _, c := range []struct {
		name string
		b    auditsig.Body
		ok   bool
	}{
		{"the next statement", next, true},
		{"the first on a new engagement", first, true},
		{"a gap", func() auditsig.Body { b := next; b.Seq = 4; return b }(), false},
		{"a replay", func() auditsig.Body { b, _ := statement("e1", 2, auditsig.Hash(s1)); return b }(), false},
		{"another chain", func() auditsig.Body { b := next; b.Prev = auditsig.Hash(s1); return b }(), false},
	} {
		err := fieldwork.Continues(js, c.b, "ana.key.journal")
		if (err == nil) != c.ok || (err != nil && attest.ErrorCode(err) != attest.ECONFLICT) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestRefuseAuditorName: a typed name that is one of the auditors' is
// refused, however it is spaced or cased; any other name is taken.
func TestRefuseAuditorName(t *testing.T) {
	e := &attest.Engagement{ID: "e1"}
	as := []attest.Auditor{{EngagementID: "e1", Name: "Ana Lima", UserID: 4}}
	for name, refused := range map[string]bool{"Ana Lima": true, " ana lima ": true, "Priya Raman": false, "": false} {
		err := fieldwork.RefuseAuditorName(as, e, name, "--as")
		if (err != nil) != refused || (refused && attest.ErrorCode(err) != attest.EFORBIDDEN) {
			t.Errorf("%q: %v", name, err)
		}
	}
}
