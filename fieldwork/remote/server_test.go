package remote_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/fieldwork/forgerytest"
	"github.com/attest-dev/attest/fieldwork/remote"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
	"github.com/attest-dev/attest/web"
)

// TestAgainstTheServer runs every act through Attest's own server, over
// the fieldwork of forgerytest's world: the paths and bodies are the
// ones its routes answer, and at the end the auditor's journal and the
// organization's copy agree.
func TestAgainstTheServer(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	w := forgerytest.Setup(t, s, nil)
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC) // forgerytest's day
	ch := attest.Change{Actor: "setup", At: now}

	// Her key file on her machine holds the world's key and journal.
	path := filepath.Join(t.TempDir(), "ana.key")
	if _, _, err := auditsig.WriteKey(path, "Ana", w.Key.Priv); err != nil {
		t.Fatal(err)
	}
	for _, j := range w.Journal {
		if err := fieldwork.AppendJournal(fieldwork.JournalPath(path), &attest.Statement{Body: j.Statement, Signature: j.Signature}); err != nil {
			t.Fatal(err)
		}
	}
	key, err := fieldwork.OpenKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := auth.CreateToken(ctx, s, ch, w.Auditor, w.Auditor.Email, "cli")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Config{Store: s, Blobs: w.Blobs, Now: func() time.Time { return now }}))
	defer srv.Close()
	c := &remote.Client{Server: srv.URL, Token: tok.Secret, Engagement: "e1", Key: key}

	// A third engagement, her key enrolled there: she confirms it.
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e3"), storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e3", Name: "Ana", UserID: w.Auditor.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := fieldwork.Enroll(ctx, w.Env, s, ch, w.Auditor, fieldwork.EnrollRequest{Engagement: "e3", Name: "Ana", PublicKey: auditsig.EncodePublic(key.Public(), "Ana")}); err != nil {
		t.Fatal(err)
	}
	on3 := *c
	on3.Engagement = "e3"
	must(t, "confirm")(on3.Confirm(ctx))

	must(t, "redraw")(c.Draw(ctx, fieldwork.DrawRequest{Control: "AX-01", Seed: "ana-again", Size: 3, Reason: "the first seed was shared"}))
	ext := must(t, "extend")(c.Extend(ctx, w.Draw.ID, 2, "one deviation"))
	must(t, "evaluate")(c.Evaluate(ctx, fieldwork.Evaluation{Test: w.Test.ID, Nature: "isolated", Extension: int64(ext["id"].(float64)),
		Conclusion: "One change approved after its merge; the extension found no other."}))
	must(t, "population test")(c.TestPopulation(ctx, w.Draw.PopulationID, "agreed the row count to the source-control report"))
	req := must(t, "request")(c.CreateRequest(ctx, fieldwork.NewRequest{Control: "AX-01", Text: "approvals of the extension", Items: toStrings(ext["items"]), Due: "2026-11-30"}))
	must(t, "close")(c.CloseRequest(ctx, int64(req["id"].(float64))))
	// Her own test is not hers to review: the server's refusal comes back.
	if _, err := c.Review(ctx, w.Test.ID, "agreed"); attest.ErrorCode(err) == "" || !strings.Contains(attest.ErrorMessage(err), "review") {
		t.Errorf("reviewing her own test: %v", err)
	}

	js, err := key.Journal()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := fieldwork.CompareJournal(ctx, s, key.Public(), js)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(w.Journal) + 7; len(js) != want || rep.Matched != want || len(rep.Problems) != 0 {
		t.Errorf("journal of %d (want %d), compared: %+v", len(js), want, rep)
	}
}

// must fails the test when an act fails, and passes its answer on.
func must(t *testing.T, name string) func(remote.Answer, error) remote.Answer {
	return func(a remote.Answer, err error) remote.Answer {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return a
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}
