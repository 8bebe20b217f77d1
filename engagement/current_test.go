package engagement_test

import (
	"context"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// TestCurrent: the engagement named, else the setting's, else the only
// one; none is not found, several unchosen are named.
func TestCurrent(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "test"}
	if _, err := engagement.Current(ctx, s, ""); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Fatalf("no engagement: %v", err)
	}
	for _, id := range []string{"e1", "e2"} {
		if err := s.CreateEngagement(ctx, ch, storetest.Engagement(id), storetest.Controls(1)); err != nil {
			t.Fatal(err)
		}
		if id == "e1" {
			if e, err := engagement.Current(ctx, s, ""); err != nil || e.ID != "e1" {
				t.Fatalf("the only one: %v %v", e, err)
			}
		}
	}
	if _, err := engagement.Current(ctx, s, ""); attest.ErrorCode(err) != attest.EINVALID || attest.ErrorMessage(err) != "several engagements: e1, e2" {
		t.Fatalf("several: %v", err)
	}
	if e, err := engagement.Current(ctx, s, "e2"); err != nil || e.ID != "e2" {
		t.Fatalf("named: %v %v", e, err)
	}
	// UseFirst is for the first engagement: once one is current, the
	// next leaves it so.
	if used, err := engagement.UseFirst(ctx, s, "e2"); err != nil || !used {
		t.Fatalf("use first with none current: %v %v", used, err)
	}
	if used, err := engagement.UseFirst(ctx, s, "e1"); err != nil || used {
		t.Fatalf("use first with e2 current: %v %v", used, err)
	}
	if e, err := engagement.Current(ctx, s, ""); err != nil || e.ID != "e2" {
		t.Fatalf("current after use first: %v %v", e, err)
	}
	if _, err := engagement.Use(ctx, s, "e9"); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Fatalf("use an engagement that is not there: %v", err)
	}
	if e, err := engagement.Use(ctx, s, "e1"); err != nil || e.ID != "e1" {
		t.Fatalf("use e1: %v %v", e, err)
	}
	if e, err := engagement.Current(ctx, s, ""); err != nil || e.ID != "e1" {
		t.Fatalf("the setting's: %v %v", e, err)
	}
	if _, err := engagement.Current(ctx, s, "e9"); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Fatalf("named and gone: %v", err)
	}
}
