// Package authtest is the authorization matrix: every workflow that
// decides who may act, run as every kind of actor (the local operator,
// each role, a service account), named on the engagement or not, inside
// its access window or after it, against a real store. Each engine's tests
// run it (sqlite, postgres); the web's tests walk every route that names
// an engagement through HTTP with the same actors and moments
// (web/scope_test.go), with expectations of their own. Every auditor act
// here is signed with the named auditor's key, whoever acts: only the
// account the key is enrolled for may use it.
package authtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/catalog"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/collect"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/evidence"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/population"
	"github.com/attest-dev/attest/program"
	"github.com/attest-dev/attest/report"
	"github.com/attest-dev/attest/storetest"
	"github.com/attest-dev/attest/training"
	"github.com/attest-dev/attest/workpapers"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Actors are the kinds of actor the matrix runs, by name.
// The employee is the employee portal's principal (attest.Employee): a
// person on the roster without an account, refused every workflow but
// acknowledging what is asked of them.
var Actors = []string{"operator", attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, "auditor-named", "auditor-other", attest.RoleViewer, "service", attest.RoleEmployee}

// Inside and After are the two moments the matrix runs at: within e1's
// access window (report date 2027-02-28 plus 30 days) and after it.
var (
	Inside = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	After  = time.Date(2027, 4, 2, 12, 0, 0, 0, time.UTC)
)

// Case is one workflow and who may run it.
type Case struct {
	Name string
	// Allowed lists the actors allowed inside the window; the auditors
	// are allowed nothing after it, the others the same as inside.
	Allowed []string
	Run     func(ctx context.Context, w *World, actor *attest.User) error
}

// World is the data every case runs against.
type World struct {
	Store   attest.Store
	Env     fieldwork.Env
	Blobs   *blob.FS
	Users   map[string]*attest.User
	Draw    *attest.Draw
	Test    *attest.Test // an auditor's test with exceptions
	Request *attest.Request
	// Campaign is an open access review with one account assigned to the
	// control owner and one to assign; OldCampaign one completed before
	// the period (program.go).
	Campaign, OldCampaign int64
	// Key is the named auditor's signing key: every auditor act in the
	// matrix is signed with it, whoever acts (only its own account may).
	Key auditsig.KeySigner
	// Dir is a folder of the world's own for what a workflow writes.
	Dir string
	seq int
}

// sign runs an auditor act signed with the named auditor's key.
func sign[T any](w *World, act func(fieldwork.Seal) (T, error)) error {
	_, _, err := fieldwork.Signed(w.Key, act)
	return err
}

func (w *World) ch() attest.Change { return attest.Change{Actor: "matrix", At: w.Env.Policy.Now} }

// opened is the reader's scope as the adapters open it: an auditor on no
// live engagement is refused, and so is an engagement the scope does not
// hold, when one is named.
func (w *World) opened(ctx context.Context, a *attest.User, engagement string) (*auth.Scope, error) {
	sc, err := w.Env.Policy.Scope(ctx, a)
	if err == nil {
		err = sc.Check()
	}
	if err == nil && engagement != "" {
		err = sc.Engagement(engagement)
	}
	return sc, err
}

var (
	auditorOnly = []string{"auditor-named"}
	management  = []string{"operator", attest.RoleAdmin, attest.RoleCompliance, "service"}
	staff       = []string{"operator", attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, "service"}
)

// Cases is the matrix's table of workflows: the engagement's, then the
// compliance program's (program.go).
var Cases = slices.Concat(engagementCases, policyCases, reviewCases, readCases, papersCases, engagementReads, priorReads)

// engagementCases are the workflows of the examination and its evidence.
var engagementCases = []Case{
	{"draw a sample", auditorOnly, func(ctx context.Context, w *World, a *attest.User) error {
		reason := w.reason()
		return sign(w, func(sl fieldwork.Seal) (*fieldwork.Drawn, error) {
			return fieldwork.Draw(ctx, w.Env, w.ch(), a, fieldwork.DrawRequest{Engagement: "e1", Control: "AX-01", Seed: "m", Size: 2, Reason: reason, Seal: sl})
		})
	}},
	{"extend a draw", auditorOnly, func(ctx context.Context, w *World, a *attest.User) error {
		return sign(w, func(sl fieldwork.Seal) (*attest.Draw, error) {
			return fieldwork.Extend(ctx, w.Env, w.Store, w.ch(), a, "e1", w.Draw.ID, 1, "isolated deviation", sl)
		})
	}},
	{"record the auditor's test", auditorOnly, func(ctx context.Context, w *World, a *attest.User) error {
		return sign(w, func(sl fieldwork.Seal) (*attest.Test, error) {
			return fieldwork.RecordTest(ctx, w.Env, w.Store, w.ch(), a, fieldwork.TestRequest{Engagement: "e1", Control: "AX-01", Procedures: []string{"inspection"}, DrawID: w.Draw.ID,
				Items: w.DrawResults(ctx), Deviations: "isolated", Seal: sl})
		})
	}},
	{"record an internal test", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := fieldwork.RecordTest(ctx, w.Env, w.Store, w.ch(), a, fieldwork.TestRequest{Engagement: "e1", Control: "BX-01", Internal: true, Procedures: []string{"inspection"},
			Items: []attest.ItemResult{{Key: "Q1", Result: "no-exception"}}})
		return err
	}},
	{"respond to an exception", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := fieldwork.Respond(ctx, w.Store, w.ch(), a, "e1", w.Test.ID, "Fixed.")
		return err
	}},
	{"record a disclosure of a known deviation", management, func(ctx context.Context, w *World, a *attest.User) error {
		id := w.reason()
		r := &deviation.Register{Engagement: "e1", Deviations: []deviation.Deviation{{ID: id, Kind: deviation.Missed, Control: "AX-01", Date: "2026-03-31", Text: "no evidence"}}}
		_, err := deviation.Disclose(ctx, w.Store, w.ch(), a, r, deviation.DiscloseRequest{IDs: []string{id}, To: "Named"})
		return err
	}},
	{"request evidence", auditorOnly, func(ctx context.Context, w *World, a *attest.User) error {
		return sign(w, func(sl fieldwork.Seal) (*attest.Request, error) {
			return fieldwork.CreateRequest(ctx, w.Env, w.Store, w.ch(), a, fieldwork.NewRequest{Engagement: "e1", Control: "AX-01", Text: "approvals", Seal: sl})
		})
	}},
	{"comment on a request", append(staff, "auditor-named"), func(ctx context.Context, w *World, a *attest.User) error {
		_, err := fieldwork.Comment(ctx, w.Env, w.Store, w.ch(), a, w.Request, "attached")
		return err
	}},
	// The request as it stands (each act saves it: a stale copy is
	// refused as a conflict), taken back to the state the act applies to.
	{"answer a request", staff, func(ctx context.Context, w *World, a *attest.User) error {
		q, err := w.Store.Request(ctx, w.Request.ID)
		if err != nil {
			return err
		}
		q.Status = "open"
		_, err = fieldwork.Answer(ctx, w.Store, w.ch(), a, q, []int64{1})
		return err
	}},
	{"close a request", auditorOnly, func(ctx context.Context, w *World, a *attest.User) error {
		q, err := w.Store.Request(ctx, w.Request.ID)
		if err != nil {
			return err
		}
		q.Status = "fulfilled"
		return sign(w, func(sl fieldwork.Seal) (*attest.Request, error) {
			return fieldwork.CloseRequest(ctx, w.Env, w.Store, w.ch(), a, q, sl)
		})
	}},
	{"evaluate a deviation", auditorOnly, func(ctx context.Context, w *World, a *attest.User) error {
		return sign(w, func(sl fieldwork.Seal) (*attest.Statement, error) {
			return fieldwork.Evaluate(ctx, w.Env, w.Store, w.ch(), a, fieldwork.Evaluation{Engagement: "e1", Test: w.Test.ID, Nature: "isolated", Conclusion: "one missing approval, no pattern", Seal: sl})
		})
	}},
	{"enroll a key for the named auditor", append(management, "auditor-named"), func(ctx context.Context, w *World, a *attest.User) error {
		pub, _, _ := auditsig.NewKey()
		_, err := fieldwork.Enroll(ctx, w.Env, w.Store, w.ch(), a, fieldwork.EnrollRequest{Engagement: "e1", Name: "Named", PublicKey: auditsig.EncodePublic(pub, "")})
		return err
	}},
	{"set the firm's sample sizes", auditorOnly, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := fieldwork.SetProfile(ctx, w.Env, w.Store, a, "e1", "profile.json", []byte(`{"name": "firm", "by_frequency": {"quarterly": 2}, "event_driven": [{"max": 0, "size": 25}]}`))
		return err
	}},
	{"change a control it does not own", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, _, err := engagement.UpdateControl(ctx, w.Store, w.ch(), a, "e1", "BX-01", engagement.ControlChange{Description: ptr(w.reason())})
		return err
	}},
	{"change the control it owns", staff, func(ctx context.Context, w *World, a *attest.User) error {
		_, _, err := engagement.UpdateControl(ctx, w.Store, w.ch(), a, "e1", "AX-01", engagement.ControlChange{Description: ptr(w.reason())})
		return err
	}},
	{"assign a control to an owner", management, func(ctx context.Context, w *World, a *attest.User) error {
		// AX-01 is the control owner's; its owner is written alternately
		// as the account's name and its address, the same account, so
		// each run is a change and the owner keeps owning it.
		c, err := w.Store.Control(ctx, "e1", "AX-01")
		if err != nil {
			return err
		}
		owner := w.Users[attest.RoleOwner].Email
		if c.Owner == owner {
			owner = w.Users[attest.RoleOwner].Name
		}
		_, _, err = engagement.UpdateControl(ctx, w.Store, w.ch(), a, "e1", "AX-01", engagement.ControlChange{Owner: &owner})
		return err
	}},
	{"create a token for the compliance manager's account", []string{attest.RoleCompliance}, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := auth.CreateToken(ctx, w.Store, w.ch(), a, w.Users[attest.RoleCompliance].Email, "t")
		return err
	}},
	{"create a token for the service account", []string{"operator", attest.RoleAdmin, "service"}, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := auth.CreateToken(ctx, w.Store, w.ch(), a, w.Users["service"].Email, "t")
		return err
	}},
	{"add an account", []string{"operator", attest.RoleAdmin}, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := auth.AddUser(ctx, w.Store, w.ch(), a, auth.NewUser{Email: w.reason() + "@example.com", Role: attest.RoleViewer, Password: "a long enough password"})
		return err
	}},
	{"list the accounts", []string{"operator", attest.RoleAdmin}, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := auth.Accounts(ctx, w.Store, a)
		return err
	}},
	{"name an engagement's auditor", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := auth.AddAuditor(ctx, w.Store, w.ch(), a, attest.Auditor{EngagementID: "e2", Name: "Auditor " + w.reason()}, "")
		return err
	}},
	{"link an engagement's auditor to an account", management, func(ctx context.Context, w *World, a *attest.User) error {
		name := "Auditor " + w.reason()
		if err := w.Store.AddAuditor(ctx, w.ch(), attest.Auditor{EngagementID: "e2", Name: name}); err != nil {
			return err
		}
		_, err := auth.LinkAuditor(ctx, w.Store, w.ch(), a, "e2", name, "auditor-other@example.com")
		return err
	}},
	{"take an auditor off an engagement", management, func(ctx context.Context, w *World, a *attest.User) error {
		name := "Auditor " + w.reason()
		if err := w.Store.AddAuditor(ctx, w.ch(), attest.Auditor{EngagementID: "e2", Name: name}); err != nil {
			return err
		}
		_, err := auth.RemoveAuditor(ctx, w.Store, w.ch(), a, "e2", name)
		return err
	}},
	{"keep an issued report", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := report.AddIssued(ctx, w.Store, w.Blobs, w.ch(), a, report.IssuedRequest{Engagement: "e1", Kind: "SOC 2", Type: "2", Period: "2025-01-01..2025-12-31", Firm: "Example CPA LLP",
			Name: "final.pdf", Bytes: []byte("%PDF-1.4\n% " + w.reason() + "\n%%EOF\n")})
		return err
	}},
	{"draft the report", management, func(ctx context.Context, w *World, a *attest.User) error {
		e, err := w.Store.Engagement(ctx, "e1")
		if err != nil {
			return err
		}
		_, err = report.Draft(ctx, w.Store, w.Blobs, w.ch(), a, report.DraftRequest{Engagement: e, Now: w.ch().At, Rendering: report.Rendering{Formats: map[string]bool{"md": true}}})
		return err
	}},
	{"change how occurrences are laid out", management, func(ctx context.Context, w *World, a *attest.User) error {
		return period.SetOptions(ctx, w.Store, a, period.Options{})
	}},
	{"export the working papers", auditorOnly, func(ctx context.Context, w *World, a *attest.User) error {
		e, err := w.Store.Engagement(ctx, "e1")
		if err != nil {
			return err
		}
		priv, pub, err := note.GenerateKey(bytes.NewReader(make([]byte, 64)), "matrix")
		if err != nil {
			return err
		}
		signer, err := note.NewSigner(priv)
		if err != nil {
			return err
		}
		keys := workpapers.Keys{Signer: signer, PublicKey: pub, Checkpoint: func(ctx context.Context) ([]byte, error) {
			return w.Store.Checkpoint(ctx, func(n int64, root tlog.Hash) ([]byte, error) { return ledger.SignWith(signer, n, root) }, w.ch().At)
		}}
		_, err = workpapers.Export(ctx, w.Env, w.Store, a, e, keys)
		return err
	}},
	{"link the names in the data to accounts", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, _, err := auth.LinkNames(ctx, w.Store, w.ch(), a, false)
		return err
	}},
	{"create an engagement", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := engagement.Create(ctx, w.Store, catalog.MustLoad(), w.ch(), a, []engagement.Spec{{Kind: attest.SOC2, Type: attest.Type1, AsOf: "2026-12-31"}})
		return err
	}},
	{"propose an exclusion", management, func(ctx context.Context, w *World, a *attest.User) error {
		e, err := w.Store.Engagement(ctx, "e1")
		if err != nil {
			return err
		}
		_, _, err = engagement.Exclude(ctx, w.Store, catalog.MustLoad(), w.ch(), a, e, "A1.3", "Recovery is tested by the subservice organization only.")
		return err
	}},
	{"withdraw an exclusion", management, func(ctx context.Context, w *World, a *attest.User) error {
		if err := w.Store.PutExclusion(ctx, w.ch(), attest.Exclusion{EngagementID: "e1", CriterionID: "A1.2", Reason: "Environmental protections are the host's.", CreatedAt: "2026-11-01T00:00:00Z"}); err != nil {
			return err
		}
		_, err := engagement.Include(ctx, w.Store, w.ch(), a, "e1", "A1.2")
		return err
	}},
	{"record a check run", management, func(ctx context.Context, w *World, a *attest.User) error {
		run := &check.Run{Results: []check.Result{{Check: "c", Status: check.StatusPass, Controls: []string{"AX-01"}}}}
		_, err := check.Record(ctx, w.Store, w.keep, a, run, nil, false, w.Env.Policy.Now)
		return err
	}},
	{"keep a collection", management, func(ctx context.Context, w *World, a *attest.User) error {
		// A collection is kept for a control a built-in check serves:
		// engagement ec has the first one that reads IAM users.
		if _, err := w.Store.Engagement(ctx, "ec"); attest.ErrorCode(err) == attest.ENOTFOUND {
			ctls := storetest.Controls(1)
			for _, c := range check.Builtin().Checks {
				if slices.Contains(c.Reads, "aws.iam_user") {
					ctls[0].ID = c.Controls[0]
					break
				}
			}
			if err := w.Store.CreateEngagement(ctx, w.ch(), storetest.Engagement("ec"), ctls); err != nil {
				return err
			}
		}
		c := check.NewCollection("aws", "exports/", w.reason(), w.Env.Policy.Now, &collect.Result{Records: []collect.Record{{Type: "aws.iam_user", ID: "u1"}}})
		return check.KeepCollection(ctx, w.Store, w.keep, a, &c)
	}},
	{"add evidence for the control it owns", staff, func(ctx context.Context, w *World, a *attest.User) error {
		return w.addEvidence(ctx, a, "AX-01")
	}},
	{"add evidence for a control it does not own", management, func(ctx context.Context, w *World, a *attest.User) error {
		return w.addEvidence(ctx, a, "BX-01")
	}},
	{"retract evidence for the control it owns", staff, func(ctx context.Context, w *World, a *attest.User) error {
		e, err := w.evidenceFor(ctx, "AX-01")
		if err != nil {
			return err
		}
		_, err = evidence.Retract(ctx, w.Store, w.ch(), a, e.ID, "matrix")
		return err
	}},
	{"purge retracted evidence", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := evidence.Purge(ctx, w.Store, w.Blobs, w.ch(), a, 0, true)
		return err
	}},
	{"decide who a policy is asked of", management, func(ctx context.Context, w *World, a *attest.User) error {
		if _, err := w.policy(ctx, false); err != nil {
			return err
		}
		_, err := ack.Assign(ctx, w.Store, w.ch(), a, "matrix-policy", ack.AssignRequest{Departments: []string{w.reason()}})
		return err
	}},
	{"acknowledge the employee's policy", append(slices.Clone(management), attest.RoleEmployee), func(ctx context.Context, w *World, a *attest.User) error {
		p, err := w.policy(ctx, true)
		if err != nil {
			return err
		}
		_, err = ack.Acknowledge(ctx, w.Store, w.ch(), a, ack.Request{Policy: p.ID, Version: p.Published, Person: w.Users[attest.RoleEmployee].Person, Note: "signed form"})
		return err
	}},
	{"import training records", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := training.Import(ctx, w.Store, w.ch(), a, "lms.csv", []byte("email,course,completed\nemployee@example.com,Security "+w.reason()+",2026-10-01\n"))
		return err
	}},
	{"read the engagement", append(staff, attest.RoleViewer, "auditor-named"), func(ctx context.Context, w *World, a *attest.User) error {
		_, err := w.opened(ctx, a, "e1")
		return err
	}},
	// Evidence supports controls by ID, so an auditor reads the evidence of
	// the controls of the engagements they audit: e2's auditor reads
	// AX-01's (e2 has an AX-01 too), never CX-01's, which only e1 has.
	{"download the evidence of e1's CX-01", append(staff, attest.RoleViewer, "auditor-named"), func(ctx context.Context, w *World, a *attest.User) error {
		ev, err := w.evidenceFor(ctx, "CX-01")
		if err != nil {
			return err
		}
		sc, err := w.opened(ctx, a, "")
		if err == nil {
			_, err = evidence.Download(ctx, w.Store, sc, ev.ID, false, "")
		}
		return err
	}},
	// A request shows the evidence linked to it only as far as the
	// reader's scope goes: e2's auditor reads e2's request but not e1's
	// CX-01 evidence linked to it; e1's auditor does not read e2's request.
	{"see e1's CX-01 evidence linked to an e2 request", append(staff, attest.RoleViewer), func(ctx context.Context, w *World, a *attest.User) error {
		ev, err := w.evidenceFor(ctx, "CX-01")
		if err != nil {
			return err
		}
		q, err := w.Store.SaveRequest(ctx, w.ch(), attest.Request{EngagementID: "e2", ControlID: "AX-01", Text: w.reason(), Items: []string{}, Status: "open", Evidence: []int64{ev.ID}})
		if err != nil {
			return err
		}
		sc, err := w.opened(ctx, a, "e2")
		if err != nil {
			return err
		}
		d, err := fieldwork.ReadRequest(ctx, w.Store, sc, q, "2026-11-01")
		if err != nil {
			return err
		}
		for _, x := range d.Evidence {
			if x.ID == ev.ID {
				return nil
			}
		}
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "the request's page leaves CX-01's evidence out"}
	}},
	{"export all the evidence", management, func(ctx context.Context, w *World, a *attest.User) error {
		// The signer is asked only once every check has passed; it
		// refuses, so nothing is written.
		past := errors.New("past every check")
		_, err := evidence.Export(ctx, w.Store, w.Blobs, a, filepath.Join(w.Dir, w.reason()), "", func(context.Context) (evidence.Signed, error) {
			return evidence.Signed{}, past
		})
		if errors.Is(err, past) {
			return nil
		}
		return err
	}},
	{"import the roster", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := people.Import(ctx, w.Store, w.ch(), a, people.ImportRequest{Name: "roster.csv", Data: []byte("email,name\n" + w.reason() + "@example.com,Someone\n"), Confirm: true})
		return err
	}},
	{"enter a person on the roster", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := people.Save(ctx, w.Store, w.ch(), a, attest.Person{Email: w.reason() + "@example.com", Start: "2026-10-01"}, people.Options{})
		return err
	}},
	{"read the roster", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := people.List(ctx, w.Store, a, "")
		return err
	}},
	{"read the roster with its progress (all for management, a manager's reports for the rest of the staff)", append(staff, attest.RoleViewer), func(ctx context.Context, w *World, a *attest.User) error {
		_, err := people.Roster(ctx, w.Store, nil, a, people.RosterQuery{}, w.Env.Policy.Now)
		return err
	}},
	{"read a person's items (management, or their manager: the control owner)", append(management, attest.RoleOwner), func(ctx context.Context, w *World, a *attest.User) error {
		saved, err := people.Save(ctx, w.Store, w.ch(), nil, attest.Person{Email: w.reason() + "@example.com", Start: "2026-10-01", Manager: w.Users[attest.RoleOwner].Email},
			people.Options{Since: "2026-01-01"})
		if err != nil {
			return err
		}
		_, err = people.Show(ctx, w.Store, nil, a, saved.Person.Email, "2026-10-02")
		return err
	}},
	{"read everyone's acknowledgements", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := program.Acknowledgements(ctx, w.Store, a, ack.Filter{}, w.Env.Policy.Now)
		return err
	}},
	{"read everyone's training", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := program.Training(ctx, w.Store, a, 0, nil, w.Env.Policy.Now)
		return err
	}},
	{"send the checklists' reminders", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := people.Remind(ctx, w.Store, nil, a, w.Env.Policy.Now, 0, "")
		return err
	}},
	{"read the checklist items (one's own, or all for management)", append(staff, attest.RoleViewer), func(ctx context.Context, w *World, a *attest.User) error {
		_, err := people.Checklist(ctx, w.Store, nil, a, people.ChecklistQuery{}, w.Env.Policy.Now)
		return err
	}},
	{"mark a checklist item done (assigned to the control owner)", append(management, attest.RoleOwner), func(ctx context.Context, w *World, a *attest.User) error {
		owner := w.Users[attest.RoleOwner]
		saved, err := people.Save(ctx, w.Store, w.ch(), nil, attest.Person{Email: w.reason() + "@example.com", Start: "2026-10-01"},
			people.Options{Since: "2026-01-01", Owners: map[string]string{"people-ops": owner.Email}})
		if err != nil {
			return err
		}
		by := ""
		if a == nil {
			by = owner.Email
		}
		for _, it := range saved.Items {
			if it.Kind == attest.ItemTask && it.AssigneeID == owner.ID {
				_, err := people.Done(ctx, w.Store, w.Blobs, nil, w.ch(), a, people.DoneRequest{Item: it.ID, By: by, On: "2026-10-01"})
				return err
			}
		}
		return fmt.Errorf("no item of %s is assigned to the control owner", saved.Person.Email)
	}},
	{"assign a checklist item", management, func(ctx context.Context, w *World, a *attest.User) error {
		saved, err := people.Save(ctx, w.Store, w.ch(), nil, attest.Person{Email: w.reason() + "@example.com", Start: "2026-10-01"}, people.Options{Since: "2026-01-01"})
		if err != nil {
			return err
		}
		_, err = people.Assign(ctx, w.Store, w.ch(), a, saved.Items[0].ID, w.Users[attest.RoleOwner].Email)
		return err
	}},
	{"read the hire population of e1", append(management, "auditor-named"), func(ctx context.Context, w *World, a *attest.User) error {
		sc, err := w.opened(ctx, a, "")
		if err != nil {
			return err
		}
		_, err = people.Extract(ctx, w.Store, sc, a, people.PopulationRequest{Engagement: "e1", Kind: people.Hires, Control: "AX-01"}, w.Env.Policy.Now)
		return err
	}},
	{"record the leaver population of e1", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, _, err := people.RecordPopulation(ctx, w.Store, w.Blobs, w.ch(), a, people.PopulationRequest{Engagement: "e1", Kind: people.Leavers, Control: "AX-01"})
		return err
	}},
	{"import a population", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := population.Import(ctx, w.Store, w.Blobs, w.ch(), a, population.ImportRequest{Control: "AX-01", File: strings.NewReader("id,merged_at\n" + w.reason() + ",2026-10-01\n"),
			Name: "changes.csv", KeyColumn: "id", DateColumn: "merged_at", Source: "GitHub", Query: "merged pull requests", ExtractedBy: "matrix", ExtractedAt: "2026-10-02"})
		return err
	}},
	{"reconcile a population", management, func(ctx context.Context, w *World, a *attest.User) error {
		total := 30
		_, err := population.Reconcile(ctx, w.Store, w.Blobs, w.ch(), a, population.ReconcileRequest{Population: w.Draw.PopulationID, ControlTotal: &total, Note: w.reason()})
		return err
	}},
	{"record that a control was not required", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := period.RecordNotRequired(ctx, w.Store, w.ch(), a, period.NotRequiredRequest{Control: "BX-01", Start: "2026-01-01", End: "2026-03-31", Reason: "no terminations " + w.reason()})
		return err
	}},
	{"import events", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := period.ImportEvents(ctx, w.Store, w.ch(), a, period.EventsRequest{Control: "BX-01", Events: []attest.Event{{Key: w.reason(), Date: "2026-10-01"}}, File: "leavers.csv"})
		return err
	}},
	{"reconcile a population to another", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := population.Reconcile(ctx, w.Store, w.Blobs, w.ch(), a, population.ReconcileRequest{Population: w.Draw.PopulationID, Against: w.Draw.PopulationID, Note: w.reason()})
		return err
	}},
}

func ptr[T any](v T) *T { return &v }

// policy is the matrix's published policy, asked of everyone; fresh
// publishes a new version first, so that it waits for a new
// acknowledgement.
func (w *World) policy(ctx context.Context, fresh bool) (*attest.Policy, error) {
	if _, err := w.Store.RecordAudience(ctx, w.ch(), attest.PolicyAudience{PolicyID: "matrix-policy"}); err != nil {
		return nil, err
	}
	p, err := w.Store.Policy(ctx, "matrix-policy")
	if err == nil && !fresh {
		return p, nil
	}
	return acktest.TryPublish(ctx, w.Store, w.ch(), "matrix-policy", "Matrix", w.reason())
}

// keep keeps bytes as evidence, as the CLI's and the jobs' recorders do.
func (w *World) keep(ctx context.Context, _ string, b []byte, e attest.Evidence) (*attest.Evidence, error) {
	ref, size, err := w.Blobs.Put(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	e.Ref, e.Size, e.Date = string(ref), size, "2026-11-01"
	added, err := w.Store.AddEvidence(ctx, w.ch(), []attest.Evidence{e})
	if err != nil {
		return nil, err
	}
	return &added[0], nil
}

// addEvidence stages a fresh file and adds it for control as actor.
func (w *World) addEvidence(ctx context.Context, actor *attest.User, control string) error {
	p, err := w.Blobs.Stage(strings.NewReader(w.reason()))
	if err != nil {
		return err
	}
	_, err = evidence.Add(ctx, w.Store, w.Blobs, w.ch(), actor, evidence.AddRequest{Controls: []string{control}, Covers: "2026-03-31",
		Items: []evidence.Item{{Pending: p, Name: "review.txt", MediaType: "text/plain"}}})
	return err
}

// evidenceFor is a fresh, unretracted evidence item for control, added by
// the local operator.
func (w *World) evidenceFor(ctx context.Context, control string) (*attest.Evidence, error) {
	if err := w.addEvidence(ctx, nil, control); err != nil {
		return nil, err
	}
	l, err := w.Store.EvidenceList(ctx, control, false)
	if err != nil || len(l) == 0 {
		return nil, fmt.Errorf("no evidence for %s: %v", control, err)
	}
	return &l[len(l)-1], nil
}

// reason is a fresh text, so every run changes something.
func (w *World) reason() string { w.seq++; return fmt.Sprintf("run-%d", w.seq) }

// Setup builds the world: engagement e1 with controls AX-01 (owned by the
// control owner's account), BX-01 and CX-01, e2 with AX-01 and BX-01, e0
// (the period before both) with AX-01 and BX-01, an account per actor,
// the auditor named on e1 and another auditor named on e2, a population
// with a binding draw, an auditor's test with an exception, and a request.
func Setup(t *testing.T, s attest.Store) *World {
	t.Helper()
	ctx := context.Background()
	ch := attest.Change{Actor: "setup", At: Inside}
	// e1 has CX-01 besides the AX-01 and BX-01 both have.
	for _, e := range []struct {
		id       string
		controls int
	}{{"e1", 3}, {"e2", 2}} {
		if err := s.CreateEngagement(ctx, ch, storetest.Engagement(e.id), storetest.Controls(e.controls)); err != nil {
			t.Fatal(err)
		}
	}
	// e0 is the period before e1 and e2 (the same kind of report, 2025):
	// their auditors read its results, and act on none of it.
	prior := storetest.Engagement("e0")
	prior.PeriodStart, prior.PeriodEnd, prior.ReportDate = "2025-01-01", "2025-12-31", "2026-02-28"
	if err := s.CreateEngagement(ctx, ch, prior, storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	w := &World{Store: s, Users: map[string]*attest.User{}, Dir: t.TempDir()}
	for _, name := range Actors[1:] {
		if name == attest.RoleEmployee {
			ps, err := s.RecordPeople(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "matrix"}, []attest.Person{
				{Email: "employee@example.com", Name: "Employee", Kind: attest.PersonEmployee, Status: attest.PersonActive, Start: "2026-01-05", InScope: true}})
			if err != nil {
				t.Fatal(err)
			}
			w.Users[name] = attest.Employee(&ps[0])
			continue
		}
		u := attest.User{Email: name + "@example.com", Name: name, Role: name}
		switch name {
		case "auditor-named", "auditor-other":
			u.Role = attest.RoleAuditor
		case "service":
			u.Role, u.Service = attest.RoleCompliance, true
		}
		saved, err := s.SaveUser(ctx, ch, u)
		if err != nil {
			t.Fatal(err)
		}
		w.Users[name] = saved
	}
	mustNil(t, s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e1", Name: "Named", UserID: w.Users["auditor-named"].ID}))
	mustNil(t, s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e2", Name: "Other", UserID: w.Users["auditor-other"].ID}))
	owner := w.Users[attest.RoleOwner].ID
	if _, err := s.UpdateControl(ctx, ch, "e1", "AX-01", attest.ControlUpdate{Owner: ptr("owner"), OwnerID: &owner}); err != nil {
		t.Fatal(err)
	}
	bs, err := blob.OpenFS(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("id,merged_at\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "CHG-%02d,2026-%02d-10\n", i, 1+i%12)
	}
	ref, _, err := bs.Put(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPopulation(ctx, ch, attest.Population{ControlID: "AX-01", Ref: string(ref), Name: "changes.csv", Format: "csv", Rows: 30, KeyColumn: "id", DateColumn: "merged_at"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEvidence(ctx, ch, []attest.Evidence{{Ref: string(ref), Size: int64(b.Len()), Name: "approvals.csv", MediaType: "text/csv", Controls: []string{"AX-01"}, Date: "2026-03-01", Method: attest.MethodUpload}}); err != nil {
		t.Fatal(err)
	}
	w.Blobs = bs
	w.Env = fieldwork.Env{Store: s, Blobs: bs, Policy: auth.Policy{Dir: s, Grace: auth.DefaultGrace, Now: Inside}}
	w.Blobs = bs
	aud := w.Users["auditor-named"]
	_, priv, err := auditsig.NewKey()
	mustNil(t, err)
	w.Key = auditsig.KeySigner{Priv: priv}
	if _, err := fieldwork.Enroll(ctx, w.Env, s, ch, aud, fieldwork.EnrollRequest{Engagement: "e1", Name: "Named", PublicKey: auditsig.EncodePublic(priv.Public().(ed25519.PublicKey), "")}); err != nil {
		t.Fatal(err)
	}
	_, _, err = fieldwork.Signed(w.Key, func(sl fieldwork.Seal) (*attest.AuditorKey, error) {
		return fieldwork.Confirm(ctx, w.Env, s, ch, aud, "e1", sl)
	})
	mustNil(t, err)
	d, _, err := fieldwork.Signed(w.Key, func(sl fieldwork.Seal) (*fieldwork.Drawn, error) {
		return fieldwork.Draw(ctx, w.Env, ch, aud, fieldwork.DrawRequest{Engagement: "e1", Control: "AX-01", Seed: "setup", Size: 2, Seal: sl})
	})
	mustNil(t, err)
	w.Draw = d.Draw
	items := []attest.ItemResult{{Key: d.Draw.Items[0], Result: "deviation", Note: "no approval"}, {Key: d.Draw.Items[1], Result: "no-exception"}}
	w.Test, _, err = fieldwork.Signed(w.Key, func(sl fieldwork.Seal) (*attest.Test, error) {
		return fieldwork.RecordTest(ctx, w.Env, s, ch, aud, fieldwork.TestRequest{Engagement: "e1", Control: "AX-01", Procedures: []string{"inspection"}, DrawID: d.Draw.ID, Items: items, Deviations: "isolated", Seal: sl})
	})
	mustNil(t, err)
	w.Request, _, err = fieldwork.Signed(w.Key, func(sl fieldwork.Seal) (*attest.Request, error) {
		return fieldwork.CreateRequest(ctx, w.Env, s, ch, aud, fieldwork.NewRequest{Engagement: "e1", Control: "AX-01", Text: "approvals", Seal: sl})
	})
	mustNil(t, err)
	setupProgram(t, w)
	return w
}

// DrawResults are results for every item of the world's draw and its
// extensions so far, the first a deviation.
func (w *World) DrawResults(ctx context.Context) []attest.ItemResult {
	ds, _ := w.Store.Draws(ctx, "e1", "AX-01")
	var out []attest.ItemResult
	for _, d := range ds {
		if d.ID == w.Draw.ID || d.Extends == w.Draw.ID {
			for _, k := range d.Items {
				r := attest.ItemResult{Key: k, Result: "no-exception"}
				if len(out) == 0 {
					r = attest.ItemResult{Key: k, Result: "deviation", Note: "no approval"}
				}
				out = append(out, r)
			}
		}
	}
	return out
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Run runs every case as every actor, inside the window and after it:
// an allowed actor succeeds, any other is refused with EFORBIDDEN.
func Run(t *testing.T, open func(t *testing.T) attest.Store) {
	w := Setup(t, open(t))
	ctx := context.Background()
	RunOffered(t, w)
	for _, when := range []time.Time{Inside, After} {
		w.Env.Policy.Now = when
		for _, c := range Cases {
			for _, name := range Actors {
				var actor *attest.User
				if name != "operator" {
					actor = w.Users[name]
				}
				want := Allowed(c, name, when)
				err := c.Run(ctx, w, actor)
				switch {
				case want && err != nil:
					t.Errorf("%s, as %s at %s: refused: %v", c.Name, name, when.Format(attest.DateLayout), err)
				case !want && attest.ErrorCode(err) != attest.EFORBIDDEN:
					t.Errorf("%s, as %s at %s: want forbidden, got %v", c.Name, name, when.Format(attest.DateLayout), err)
				}
			}
		}
	}
}

// Allowed is the matrix's answer for a case, an actor and a moment.
func Allowed(c Case, actor string, when time.Time) bool {
	if strings.HasPrefix(actor, "auditor") && !when.Before(After) {
		return false
	}
	for _, a := range c.Allowed {
		if a == actor {
			return true
		}
	}
	return false
}
