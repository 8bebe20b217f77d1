package web

import (
	"bytes"
	"context"
	"encoding/json"
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

// TestSaveDescriptionAPI: the API saves description inputs through the
// same workflow as the command line: changes shown, removals refused
// without replace=1, the auditor refused.
func TestSaveDescriptionAPI(t *testing.T) {
	f := setup(t)
	put := func(role, query, yaml string) (int, string) {
		code, body := f.callAs(t, "PUT", "/api/v1/engagements/e1/description"+query, role, yaml)
		var b bytes.Buffer
		json.Compact(&b, []byte(body))
		return code, b.String()
	}
	code, body := put(attest.RoleCompliance, "", "organization: Harbor\nservices:\n  text: Payroll\n")
	if code != 201 || !strings.Contains(body, `"part":"organization","change":"added","new":"Harbor"`) || !strings.Contains(body, `"kind":"description"`) {
		t.Fatalf("first version: %d %s", code, body)
	}
	code, body = put(attest.RoleCompliance, "", "organization: Harbor\n")
	if code != 400 || !strings.Contains(body, "would remove 1 answered part of the description inputs: services.text") || !strings.Contains(body, "replace=1") {
		t.Errorf("a removal without replace: %d %s", code, body)
	}
	if code, body = put(attest.RoleAdmin, "?replace=1", "organization: Harbor\n"); code != 201 || !strings.Contains(body, `"change":"removed"`) {
		t.Errorf("with replace=1: %d %s", code, body)
	}
	if code, body = put(attest.RoleAdmin, "", "organization: Harbor\n"); code != 200 || !strings.Contains(body, `"document":null,"changes":[]`) {
		t.Errorf("unchanged: %d %s", code, body)
	}
	if code, _ := put(attest.RoleAuditor, "", "organization: Mine\n"); code != 403 {
		t.Errorf("the auditor writing the description: %d", code)
	}
	if code, body := put(attest.RoleAdmin, "", "servcies: {}\n"); code != 400 || !strings.Contains(body, "servcies") {
		t.Errorf("a misspelt part: %d %s", code, body)
	}
	// dry_run=true is a dry run, as dry_run=1 is; a word that is neither
	// yes nor no is refused, never read as no (which saved for real).
	size, _ := f.store.LedgerSize(context.Background())
	if code, body := put(attest.RoleAdmin, "?dry_run=true", "organization: Harbor Payroll\n"); code != 200 || !strings.Contains(body, `"document":null`) {
		t.Errorf("dry_run=true: %d %s", code, body)
	}
	if code, body := put(attest.RoleAdmin, "?dry_run=maybe", "organization: Harbor Payroll\n"); code != 400 || !strings.Contains(body, `dry_run: \"maybe\": want yes or no`) {
		t.Errorf("dry_run=maybe: %d %s", code, body)
	}
	if after, _ := f.store.LedgerSize(context.Background()); after != size {
		t.Errorf("the dry runs wrote %d ledger entries", after-size)
	}
}
