package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
)

// The upload takes the evidence workflow's fields (covers, with date as
// its alias, and performed_on), answers with covers, performed_on and
// added, reads what a file records, and refuses what the workflow refuses.
func TestUploadEvidenceDates(t *testing.T) {
	f := setup(t)
	resp, body := upload(t, f, attest.RoleCompliance, map[string]string{"control": "AX-01", "covers": "2026-03-31", "performed_on": "2026-04-12"}, map[string]string{"q1.txt": "Q1 review"})
	var added []map[string]any
	if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &added) != nil {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	if e := added[0]; e["covers"] != "2026-03-31" || e["performed_on"] != "2026-04-12" || e["performed_from"] != "entered" || e["added"] == nil || e["added"] != e["added_at"] {
		t.Errorf("added %v", e)
	}
	pr := `{"mergedAt":"2026-03-04T12:00:00Z","reviews":[{"state":"APPROVED","submittedAt":"2026-03-05T08:00:00Z"}]}`
	resp, body = upload(t, f, attest.RoleAdmin, map[string]string{"control": "AX-01"}, map[string]string{"pr.json": pr})
	if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &added) != nil {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	if e := added[0]; e["covers"] != "2026-03-04" || e["performed_on"] != "2026-03-05T08:00:00Z" || !strings.Contains(e["performed_from"].(string), "after its merge") {
		t.Errorf("from the file: %v", e)
	}
	refused := []struct {
		role   string
		fields map[string]string
		status int
		says   string
	}{
		{attest.RoleCompliance, map[string]string{"control": "AX-01", "added": "2026-01-01T00:00:00Z"}, 400, "added: set by the server's clock"},
		{attest.RoleCompliance, map[string]string{"control": "AX-01", "performed_on": "soon"}, 400, "performed_on"},
		{attest.RoleCompliance, map[string]string{"control": "AX-01", "covers": "2026-03-31", "date": "2026-06-30"}, 400, "not both"},
		{attest.RoleCompliance, map[string]string{"control": "AX-01", "covers": "2019-03-31"}, 400, "more than a year away"},
		// A control owner adds evidence for the controls that are theirs.
		{attest.RoleOwner, map[string]string{"control": "BX-01", "covers": "2026-03-31"}, 403, "control BX-01 is not recorded as yours"},
	}
	for _, r := range refused {
		resp, body := upload(t, f, r.role, r.fields, map[string]string{"x.txt": "x"})
		if resp.StatusCode != r.status || !strings.Contains(body, r.says) {
			t.Errorf("%s %v: %d %s; want %d saying %q", r.role, r.fields, resp.StatusCode, body, r.status, r.says)
		}
	}
	// The API's error carries the hint a workflow gives.
	if resp, body := upload(t, f, attest.RoleCompliance, map[string]string{"control": "AX-01", "covers": "2019-03-31"}, map[string]string{"x.txt": "x"}); resp.StatusCode != 400 || !strings.Contains(body, `"hint": "check the date; send force=yes if it is right"`) {
		t.Errorf("the hint of a date far away: %d %s", resp.StatusCode, body)
	}
	// Performed far from what it covers: the same override, the same hint.
	if resp, body := upload(t, f, attest.RoleCompliance, map[string]string{"control": "AX-01", "covers": "2026-03-31", "performed_on": "2019-01-01"}, map[string]string{"x.txt": "x"}); resp.StatusCode != 400 || !strings.Contains(body, `"hint": "check the date; send force=yes if it is right"`) {
		t.Errorf("the hint of a performed date far away: %d %s", resp.StatusCode, body)
	}
	if resp, body := upload(t, f, attest.RoleCompliance, map[string]string{"control": "AX-01", "force": "perhaps"}, map[string]string{"x.txt": "x"}); resp.StatusCode != 400 || !strings.Contains(body, "force: ") {
		t.Errorf("force=perhaps: %d %s", resp.StatusCode, body)
	}
	// force=yes takes a date long outside the period.
	if resp, body := upload(t, f, attest.RoleCompliance, map[string]string{"control": "AX-01", "covers": "2019-03-31", "force": "yes"}, map[string]string{"x.txt": "x"}); resp.StatusCode != http.StatusCreated {
		t.Errorf("forced: %d %s", resp.StatusCode, body)
	}
}
