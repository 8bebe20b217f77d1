package integrity_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// An acknowledgement, an audience, a training completion or a reminder
// changed, added or removed by SQL is reported by verify, and so is an
// acknowledgement of a text the policy never had.
func TestVerifyAcknowledgementsAndTraining(t *testing.T) {
	ctx := context.Background()
	ch := attest.Change{Actor: "tester", At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	body := "# Access control\n"
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	cases := []struct {
		name, sql, want string
	}{
		{"untouched", "", ""},
		{"acknowledged version moved", `UPDATE acknowledgements SET version = 2`, "differs from what entry"},
		{"acknowledgement added", `INSERT INTO acknowledgements SELECT 9, 2, policy_id, version, sha256, at, via, note, by_name, entry FROM acknowledgements`, "not in the ledger"},
		{"acknowledgement removed", `DELETE FROM acknowledgements`, "missing from the database"},
		{"audience widened", `UPDATE policy_audiences SET departments = '[]'`, "audience of policy"},
		{"completion date moved", `UPDATE training_completions SET completed = '2026-02-28'`, "do not match"},
		{"completions gone", `DELETE FROM training_completions`, "missing from the database"},
		{"reminder edited", `UPDATE reminders SET items = '[]'`, "reminders of entry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sqlitetest.Create(t)
			p := attest.Policy{ID: "access-control", Title: "Access control", Status: attest.PolicyDraft, Version: 1, Approvers: []int64{}, Controls: []string{}, Criteria: []string{}}
			v := attest.PolicyVersion{PolicyID: p.ID, Version: 1, Body: body, SHA256: hash}
			if _, err := s.RecordPolicy(ctx, ch, attest.EntryPolicyCreated, -1, attest.PolicyChange{Policy: p, Version: &v}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RecordAudience(ctx, ch, attest.PolicyAudience{PolicyID: p.ID, Departments: []string{"Engineering"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RecordAcknowledgement(ctx, ch, attest.Acknowledgement{PersonID: 1, PolicyID: p.ID, Version: 1, SHA256: hash, Via: attest.AckPortal}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RecordCompletions(ctx, ch, attest.EntryTrainingImported, attest.TrainingChange{Source: "file t.csv"}, []attest.Completion{{PersonID: 1, Email: "a@example.com", Course: "Security", Completed: "2026-02-01"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RecordReminders(ctx, ch, []attest.Reminder{{PersonID: 1, Email: "a@example.com", Items: []string{"training"}}}); err != nil {
				t.Fatal(err)
			}
			if c.sql != "" {
				if _, err := s.SQL().ExecContext(ctx, c.sql); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := integrity.Check(ctx, integrity.Input{Store: s})
			if err != nil {
				t.Fatal(err)
			}
			var found []string
			for _, p := range rep.Problems {
				found = append(found, p.Detail)
			}
			if c.want == "" && len(found) > 0 {
				t.Fatalf("untouched records reported: %v", found)
			}
			if c.want != "" && !strings.Contains(strings.Join(found, "\n"), c.want) {
				t.Fatalf("want a problem saying %q, got %v", c.want, found)
			}
		})
	}
}
