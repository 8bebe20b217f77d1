package web

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/period"
)

// A preventive control performed after its due date is a deviation on the
// dashboard, the control's page and the dashboard's API, never "late".
func TestDashboardShowsPreventiveDeviations(t *testing.T) {
	f := setupAt(t, time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	// AX-01 is preventive, quarterly, due 30 days after the quarter.
	if _, err := f.store.UpdateControl(ctx, ch, "e1", "AX-01", attest.ControlUpdate{Status: ptr(attest.Implemented)}); err != nil {
		t.Fatal(err)
	}
	q1 := attest.Evidence{Size: 1, Name: "q1.txt", MediaType: "text/plain", Controls: []string{"AX-01"},
		Date: "2026-03-31", PerformedOn: "2026-05-20", PerformedFrom: attest.PerformedEntered, Method: attest.MethodUpload}
	q1.Ref = "sha256:" + "abababababababababababababababababababababababababababababababab"
	if _, err := f.store.AddEvidence(ctx, attest.Change{Actor: "test", At: time.Date(2026, 5, 21, 9, 0, 0, 0, time.UTC)}, []attest.Evidence{q1}); err != nil {
		t.Fatal(err)
	}
	dash := f.page(t, attest.RoleViewer, "/")
	mustContain(t, "the dashboard", dash, "Deviations: preventive controls performed after the event (1)", "Known deviations: disclose each to the service auditor.",
		"2026-01-01 to 2026-03-31, due 2026-04-30, performed 2026-05-20", `<span class="cell deviation"></span>`,
		"2026-01-01 to 2026-03-31, due 2026-04-30: deviation (a preventive control performed after the event)")
	detail := f.page(t, attest.RoleViewer, "/controls/e1/AX-01")
	mustContain(t, "the control page", detail, "0 late, 2 missed, 1 deviation", `<span class="state deviation">deviation</span>`, "(performed 2026-05-20)")

	var v engagementView
	_, js := f.get(t, attest.RoleViewer, "/api/v1/engagements/e1/dashboard")
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Deviations) != 1 || v.Deviations[0].State != period.Deviation || v.Deviations[0].PerformedFrom != period.PerformedOn {
		t.Errorf("dashboard API deviations: %+v", v.Deviations)
	}
}
