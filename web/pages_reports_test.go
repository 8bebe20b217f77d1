package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
)

// A draft built on the server lists, in its assertion, the deviations
// management knows of, as attest report build does.
func TestReportDraftListsKnownDeviations(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	implemented := attest.Implemented
	if _, err := f.store.UpdateControl(ctx, ch, "e1", "AX-01", attest.ControlUpdate{Status: &implemented}); err != nil {
		t.Fatal(err)
	}
	resp, body := f.send(t, "POST", "/api/v1/engagements/e1/drafts", attest.RoleAdmin, "application/json", strings.NewReader(`{"formats":["md"]}`))
	if resp.StatusCode != 201 {
		t.Fatalf("draft: %d %s", resp.StatusCode, body)
	}
	docs, _ := f.store.Documents(ctx, "e1", attest.DocRender)
	if len(docs) != 1 {
		t.Fatalf("drafts %+v", docs)
	}
	_, md := f.get(t, attest.RoleAdmin, "/documents/"+itoa(docs[0].ID)+"/download")
	mustContain(t, "the draft", md, "Matters to discuss with the service auditor",
		"AX-01: no evidence for the occurrence from 2026-01-01 to 2026-03-31, due 2026-04-30.")
}
