package authtest

import (
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/fieldwork"
)

// Offered are the questions the pages ask to choose which forms to show,
// by the case whose workflow each stands for: for every actor but an
// auditor not named on the engagement (membership and the window are the
// workflow's to check), a form is offered exactly when its workflow
// accepts the actor.
var Offered = map[string]func(*attest.User) bool{
	"draw a sample":                fieldwork.Audits,
	"record the auditor's test":    fieldwork.Audits,
	"request evidence":             fieldwork.Audits,
	"close a request":              fieldwork.Audits,
	"respond to an exception":      fieldwork.MayRespond,
	"comment on a request":         fieldwork.MayComment,
	"answer a request":             fieldwork.MayAnswer,
	"assign a control to an owner": engagement.MayAssign,
}

// RunOffered checks Offered against the matrix, inside the window.
func RunOffered(t *testing.T, w *World) {
	for _, c := range Cases {
		offered, ok := Offered[c.Name]
		if !ok {
			continue
		}
		for _, name := range Actors {
			if name == "auditor-other" {
				continue
			}
			var actor *attest.User
			if name != "operator" {
				actor = w.Users[name]
			}
			if got, want := offered(actor), Allowed(c, name, Inside); got != want {
				t.Errorf("%s, as %s: the page offers it: %v, the workflow allows it: %v", c.Name, name, got, want)
			}
		}
	}
}
