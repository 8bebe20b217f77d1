package storetest

import (
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

// testAcknowledgements: an audience replaces the one before it; an
// acknowledgement is one ledger entry, written once per person, policy
// and version; the latest version per person and policy is read back.
func testAcknowledgements(t *testing.T, s attest.Store) {
	a, err := s.RecordAudience(ctx, ch, attest.PolicyAudience{PolicyID: "access-control", Departments: []string{"Engineering"}})
	if err != nil {
		t.Fatal(err)
	}
	var got attest.PolicyAudience
	readEntry(t, s, a.Entry, attest.EntryAudienceSet, &got)
	if got.PolicyID != "access-control" || len(got.Departments) != 1 || got.Roles == nil || got.By != "tester" {
		t.Fatalf("entry: %+v", got)
	}
	if _, err := s.RecordAudience(ctx, ch, attest.PolicyAudience{PolicyID: "access-control", Roles: []string{"sre"}}); err != nil {
		t.Fatal(err)
	}
	as, err := s.Audiences(ctx)
	if err != nil || len(as) != 1 || len(as[0].Departments) != 0 || as[0].Roles[0] != "sre" {
		t.Fatalf("audiences: %+v, %v", as, err)
	}

	for _, v := range []int{1, 2} {
		// Version 2 is acknowledged two days later.
		ch := ch
		ch.At = ch.At.Add(time.Duration(v-1) * 48 * time.Hour)
		k, err := s.RecordAcknowledgement(ctx, ch, attest.Acknowledgement{PersonID: 7, PolicyID: "access-control", Version: v, SHA256: "ab", Via: attest.AckPortal})
		if err != nil {
			t.Fatal(err)
		}
		var e attest.Acknowledgement
		readEntry(t, s, k.Entry, attest.EntryAcknowledged, &e)
		e.Entry = k.Entry
		if diff := cmp.Diff(*k, e); diff != "" || k.At != ch.Stamp() {
			t.Fatalf("entry differs from the record (-record +entry):\n%s", diff)
		}
	}
	size, _ := s.LedgerSize(ctx)
	_, err = s.RecordAcknowledgement(ctx, ch, attest.Acknowledgement{PersonID: 7, PolicyID: "access-control", Version: 2, SHA256: "ab", Via: attest.AckPortal})
	mustCode(t, err, attest.ECONFLICT)
	if n, _ := s.LedgerSize(ctx); n != size {
		t.Fatal("a refused acknowledgement wrote a ledger entry")
	}
	if _, err := s.RecordAcknowledgement(ctx, ch, attest.Acknowledgement{PersonID: 8, PolicyID: "access-control", Version: 1, SHA256: "ab", Via: attest.AckRecorded, Note: "paper form"}); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.Acknowledgements(ctx, 7); len(l) != 2 || l[1].Version != 2 {
		t.Fatalf("person 7: %+v", l)
	}
	if l, _ := s.Acknowledgements(ctx, 0); len(l) != 3 || l[2].Note != "paper form" {
		t.Fatalf("everyone: %+v", l)
	}
	latest, err := s.LatestAcknowledgements(ctx)
	if err != nil || len(latest) != 2 {
		t.Fatalf("latest: %+v, %v", latest, err)
	}
	for _, l := range latest {
		if (l.PersonID == 7 && l.Version != 2) || (l.PersonID == 8 && l.Version != 1) {
			t.Fatalf("latest: %+v", latest)
		}
	}
	// Person 7 acknowledged version 1 first: that time, not version 2's.
	all, _ := s.Acknowledgements(ctx, 0)
	if all[0].At == all[1].At {
		t.Fatalf("versions 1 and 2 acknowledged at the same time: %s", all[0].At)
	}
	first, err := s.FirstAcknowledgements(ctx)
	if err != nil || len(first) != 2 {
		t.Fatalf("first: %+v, %v", first, err)
	}
	for _, f := range first {
		want := all[0].At
		if f.PersonID == 8 {
			want = all[2].At
		}
		if f.PolicyID != "access-control" || f.At != want {
			t.Fatalf("first: %+v, want %s", f, want)
		}
	}
}

// testTraining: completions of any number are one ledger entry naming the
// SHA-256 of the rows as written.
func testTraining(t *testing.T, s attest.Store) {
	before, _ := s.LedgerSize(ctx)
	rows := []attest.Completion{
		{PersonID: 1, Email: "Ada@Example.com", Course: "Security awareness 2026", Completed: "2026-02-01", Score: "92", Source: "t.csv line 2"},
		{PersonID: 2, Email: "bo@example.com", Course: "Security awareness 2026", Completed: "2026-02-03", Certificate: "C-9", Source: "t.csv line 3"},
	}
	got, err := s.RecordCompletions(ctx, ch, attest.EntryTrainingImported, attest.TrainingChange{Source: "file t.csv", File: "ff"}, rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID == 0 || got[1].ID != got[0].ID+1 || got[0].Email != "ada@example.com" || got[0].Entry != before {
		t.Fatalf("recorded: %+v", got)
	}
	if n, _ := s.LedgerSize(ctx); n != before+1 {
		t.Fatalf("2 rows wrote %d entries", n-before)
	}
	var tc attest.TrainingChange
	readEntry(t, s, before, attest.EntryTrainingImported, &tc)
	if tc.Rows != 2 || tc.Digest != attest.CompletionsDigest(got) || tc.File != "ff" {
		t.Fatalf("entry: %+v", tc)
	}
	all, err := s.Completions(ctx, 0)
	if err != nil || attest.CompletionsDigest(all) != tc.Digest {
		t.Fatalf("read back: %+v, %v", all, err)
	}
	if one, _ := s.Completions(ctx, 2); len(one) != 1 || one[0].Certificate != "C-9" {
		t.Fatalf("person 2: %+v", one)
	}
}

// testPortalLinks: a link is used once; a second use, or an unknown one,
// is refused. Reminders are one entry per round.
func testPortalLinks(t *testing.T, s attest.Store) {
	l := attest.PortalLink{Hash: "h1", PersonID: 3, CreatedAt: "2026-03-04T05:00:00Z", ExpiresAt: "2026-03-04T05:15:00Z"}
	if err := s.SavePortalLink(ctx, l); err != nil {
		t.Fatal(err)
	}
	mustCode(t, s.SavePortalLink(ctx, l), attest.ECONFLICT)
	got, err := s.UsePortalLink(ctx, "h1", "2026-03-04T05:01:00Z")
	if err != nil || got.PersonID != 3 || got.ExpiresAt != l.ExpiresAt || got.UsedAt != "" {
		t.Fatalf("used: %+v, %v", got, err)
	}
	_, err = s.UsePortalLink(ctx, "h1", "2026-03-04T05:02:00Z")
	mustCode(t, err, attest.ECONFLICT)
	_, err = s.UsePortalLink(ctx, "nope", "2026-03-04T05:02:00Z")
	mustCode(t, err, attest.ENOTFOUND)

	rs, err := s.RecordReminders(ctx, ch, []attest.Reminder{{PersonID: 3, Email: "c@example.com", Items: []string{"training"}}, {PersonID: 4, Email: "d@example.com", Items: []string{"policy:x"}}})
	if err != nil {
		t.Fatal(err)
	}
	var sent attest.RemindersSent
	readEntry(t, s, rs[0].Entry, attest.EntryRemindersSent, &sent)
	back, err := s.Reminders(ctx)
	if err != nil || len(back) != 2 || len(sent.Reminders) != 2 || back[1].Items[0] != "policy:x" || back[0].At != ch.Stamp() {
		t.Fatalf("reminders: %+v, entry %+v, %v", back, sent, err)
	}
}
