package auth

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
)

// Directory is what access decisions read: the engagements, and who is
// named on each.
type Directory interface {
	Engagements(ctx context.Context) ([]attest.Engagement, error)
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	Auditors(ctx context.Context, engagementID string) ([]attest.Auditor, error)
}

// GraceSetting is the store setting that holds how long an auditor's
// access outlasts the report date (a Go duration such as 720h, or days
// such as 30d), when no grace period is configured.
const GraceSetting = "auditor.grace"

// DefaultGrace is the grace period when none is configured.
const DefaultGrace = 30 * 24 * time.Hour

// Grace is the stored grace period, else DefaultGrace.
func Grace(ctx context.Context, s interface {
	Setting(ctx context.Context, key string) (string, error)
}) (time.Duration, error) {
	v, err := s.Setting(ctx, GraceSetting)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return DefaultGrace, nil
	}
	if err != nil {
		return 0, err
	}
	return ParseGrace(v)
}

// PolicyAt is the access policy at now: with the grace period a server
// was configured with (nil: none), else the store's setting, else
// DefaultGrace.
func PolicyAt(ctx context.Context, s interface {
	Directory
	Setting(ctx context.Context, key string) (string, error)
}, configured *time.Duration, now time.Time) (Policy, error) {
	if configured != nil {
		return Policy{Dir: s, Grace: *configured, Now: now}, nil
	}
	grace, err := Grace(ctx, s)
	if err != nil {
		return Policy{}, err
	}
	return Policy{Dir: s, Grace: grace, Now: now}, nil
}

// PapersRoles are the roles that read an examination's working papers:
// its populations, samples, tests, report drafts and issued reports, and
// the ledger. Management prepares for the examination and the auditor
// performs it; a control owner and a viewer follow the controls and their
// evidence, not the audit of them. (The local operator is management.)
// The web's route table names these roles for the same routes, so that
// its pages and menus agree; the decision is Scope.Papers's.
var PapersRoles = []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor}

// fixedScope is the scope of anyone but an auditor, which no engagement
// or date changes; nil for an auditor.
func fixedScope(u *attest.User) *Scope {
	switch {
	case !attest.Staff(u):
		// The employee portal's principal (or any role this code does not
		// know) reads nothing of the organization's records.
		return Nothing
	case u == nil || attest.Manages(u) && slices.Contains(PapersRoles, u.Role):
		return Everything
	case u.Role != attest.RoleAuditor:
		return &Scope{all: true, role: u.Role, papers: slices.Contains(PapersRoles, u.Role)}
	}
	return nil
}

// ScopeAt is Policy.Scope at now with PolicyAt's grace period, which it
// reads only for an auditor: the scope of anyone else needs no read.
func ScopeAt(ctx context.Context, s interface {
	Directory
	Setting(ctx context.Context, key string) (string, error)
}, configured *time.Duration, now time.Time, u *attest.User) (*Scope, error) {
	if sc := fixedScope(u); sc != nil {
		return sc, nil
	}
	p, err := PolicyAt(ctx, s, configured, now)
	if err != nil {
		return nil, err
	}
	return p.Scope(ctx, u)
}

// ParseGrace reads a grace period: a Go duration (720h) or whole days (30d).
func ParseGrace(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if d, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(d)
		if err == nil && n >= 0 && n <= 3650 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, nil
	}
	return 0, attest.Errorf(attest.EINVALID, "auditor grace %q: want a duration such as 720h or a number of days such as 30d", v)
}

// Policy decides access at one moment: the auditors' grace period after
// the report date, and the time now.
type Policy struct {
	Dir   Directory
	Grace time.Duration
	Now   time.Time
}

// AccessEnd is when an auditor's access to e ends: the end of the report
// date (the recorded one, else the period end or as-of date plus the usual
// fieldwork) plus the grace period, with that report date. The zero time
// means no end is known.
func AccessEnd(e *attest.Engagement, grace time.Duration) (time.Time, string) {
	rd := engagement.ReportDate(e)
	t, err := attest.ParseDate(rd)
	if err != nil {
		return time.Time{}, ""
	}
	return t.AddDate(0, 0, 1).Add(grace), rd
}

// LastDay is the last day auditors may work on e (YYYY-MM-DD), or ""
// when no end is known.
func LastDay(e *attest.Engagement, grace time.Duration) string {
	end, _ := AccessEnd(e, grace)
	if end.IsZero() {
		return ""
	}
	return end.AddDate(0, 0, -1).Format(attest.DateLayout)
}

// open reports whether the auditors' access window to e is open now.
func (p Policy) open(e *attest.Engagement) bool {
	end, _ := AccessEnd(e, p.Grace)
	return end.IsZero() || p.Now.Before(end)
}

// Scope is what one account may read: everything for the organization's
// staff; for an auditor, only the engagements they are named on (by
// account) whose access window is open, and their controls.
type Scope struct {
	all         bool
	engagements map[string]attest.Engagement
	controls    map[string]bool
	// prior holds the engagements whose results the auditor may read as
	// the prior period of an engagement in the scope.
	prior map[string]bool
	// none marks a principal that is not staff (the employee portal's).
	none bool
	// papers marks a reader of the working papers (PapersRoles); role is
	// the reader's, for the refusal's wording.
	papers bool
	role   string
	// Ended is the latest end among the auditor's named engagements whose
	// window has closed, with its report date, for the refusal's wording.
	ended, endedReport string
}

// Scope works out what u may read. An auditor named on no live engagement
// gets a scope with nothing in it (Check refuses them everything).
func (p Policy) Scope(ctx context.Context, u *attest.User) (*Scope, error) {
	if sc := fixedScope(u); sc != nil {
		return sc, nil
	}
	engs, err := p.Dir.Engagements(ctx)
	if err != nil {
		return nil, err
	}
	sc := &Scope{engagements: map[string]attest.Engagement{}, controls: map[string]bool{}, prior: map[string]bool{}, papers: slices.Contains(PapersRoles, u.Role), role: u.Role}
	for i := range engs {
		e := &engs[i]
		as, err := p.Dir.Auditors(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		if !Named(u, as) {
			continue
		}
		if !p.open(e) {
			if end, rd := AccessEnd(e, p.Grace); end.Format(attest.DateLayout) > sc.ended {
				sc.ended, sc.endedReport = end.UTC().Format(attest.DateLayout), rd
			}
			continue
		}
		sc.engagements[e.ID] = *e
		ctls, err := p.Dir.Controls(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range ctls {
			sc.controls[c.ID] = true
		}
		if p := Prior(engs, e); p != nil {
			sc.prior[p.ID] = true
		}
	}
	return sc, nil
}

// Prior is the engagement whose period came just before e's: the same
// kind of report, ending before e begins, the latest such; nil when there
// is none. The auditor of e may read its results: deviations found in the
// prior period change the sizes of this period's samples.
func Prior(engs []attest.Engagement, e *attest.Engagement) *attest.Engagement {
	var prior *attest.Engagement
	for i := range engs {
		p := &engs[i]
		if p.ID == e.ID || p.Kind != e.Kind || ends(p) == "" || ends(p) >= begins(e) {
			continue
		}
		if prior == nil || ends(p) > ends(prior) {
			prior = p
		}
	}
	return prior
}

// begins and ends are the first and last dates an engagement covers: a
// Type 2's period, a Type 1's as-of date.
func begins(e *attest.Engagement) string { return cmp.Or(e.PeriodStart, e.AsOf) }
func ends(e *attest.Engagement) string   { return cmp.Or(e.PeriodEnd, e.AsOf) }

// Everything is the scope of management (and of the local operator): the
// whole organization, working papers included. A control owner's or a
// viewer's scope is the whole organization without the working papers.
var Everything = &Scope{all: true, papers: true}

// Nothing is the scope of a principal that is not staff (the employee
// portal's): no engagement, no control, no ledger entry.
var Nothing = &Scope{engagements: map[string]attest.Engagement{}, controls: map[string]bool{}, prior: map[string]bool{}, none: true}

// All reports whether the scope is the whole organization.
func (sc *Scope) All() bool { return sc.all }

// Check refuses an account whose scope is empty: an auditor on no live
// engagement has no access at all.
func (sc *Scope) Check() error {
	if sc.all || len(sc.engagements) > 0 {
		return nil
	}
	if sc.none {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "the employee portal's sign-in opens the portal only: the organization's records are for its staff and auditors"}
	}
	if sc.ended != "" {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "your access as an auditor ended on " + sc.ended +
			" (the report date " + sc.endedReport + " plus the grace period): ask an administrator if the engagement's dates have changed"}
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "you are not named as an auditor on any engagement: an administrator names you on one, with your account"}
}

// Engagement refuses an engagement outside the scope, naming it.
func (sc *Scope) Engagement(id string) error {
	if sc.all {
		return nil
	}
	if _, ok := sc.engagements[id]; ok {
		return nil
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "engagement " + id + ": you are not a named auditor of it, or your access to it has ended"}
}

// Papers refuses reading engagement id's working papers (PapersRoles) to
// a reader whose role does not read them, or outside the scope.
func (sc *Scope) Papers(id string) error {
	if !sc.papers {
		return sc.notPapers()
	}
	return sc.Engagement(id)
}

// notPapers is the refusal of a role that does not read the working papers.
func (sc *Scope) notPapers() error {
	if sc.none {
		return sc.Check()
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "your role (" + sc.role + ") does not read the examination's working papers (populations, samples, tests, reports and the ledger): management and the engagement's auditors do"}
}

// Results refuses reading the results (tests, draws, management's
// responses) of an engagement as Papers does, except those of the period
// just before an engagement in the scope (Prior), which its auditor may
// read but not act on.
func (sc *Scope) Results(id string) error {
	if sc.papers && sc.prior[id] {
		return nil
	}
	return sc.Papers(id)
}

// Acts reports whether the reader may act on engagement id's fieldwork
// as well as read it: false for a prior period read through Results.
func (sc *Scope) Acts(id string) bool { return sc.Engagement(id) == nil }

// Relevant refuses a record that belongs to the organization rather than
// to one engagement (a policy, an access review) unless it is relevant to
// one of the auditor's engagements: in force during it (the record's days
// from..to, to "" while it still is, meet the engagement's period or
// as-of date; from "" means it never was) or linked to one of its
// controls. The refusal names what and the rule.
func (sc *Scope) Relevant(what, from, to string, controls []string) error {
	if sc.all {
		return nil
	}
	if err := sc.Check(); err != nil {
		return err
	}
	for _, c := range controls {
		if sc.controls[c] {
			return nil
		}
	}
	from, to = day(from), day(to)
	for _, e := range sc.engagements {
		if from != "" && from <= ends(&e) && (to == "" || to >= begins(&e)) {
			return nil
		}
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: what + ": an auditor reads the organization's records only when they were in force during one of their engagements or support its controls"}
}

// day is the date of a stamp (RFC 3339) or a date.
func day(s string) string { return s[:min(len(s), len(attest.DateLayout))] }

// Entry reports whether a ledger entry's data (ledger.Entry.Data) may be
// shown: none to a reader who does not read the ledger (ReadsPapers); for
// an auditor, an entry that names an engagement in the scope,
// or a control of one (evidence, events, populations, draws). An entry
// about the organization as a whole (accounts, tokens, settings, the trust
// center's visitors) or one that names neither is not the auditor's to
// read.
func (sc *Scope) Entry(data []byte) bool {
	if !sc.papers {
		return false
	}
	if sc.all {
		return true
	}
	var d struct {
		Engagement json.RawMessage `json:"engagement"`
		Control    json.RawMessage `json:"control"`
		Controls   json.RawMessage `json:"controls"`
	}
	if json.Unmarshal(data, &d) != nil {
		return false
	}
	var controls []string
	json.Unmarshal(d.Controls, &controls) // evidence names controls by ID; an engagement's entry holds them whole
	if id, ok := idOf(d.Engagement); ok {
		return sc.Engagement(id) == nil
	}
	var c struct {
		Engagement string `json:"engagement"`
	}
	if len(d.Control) > 0 && d.Control[0] == '{' && json.Unmarshal(d.Control, &c) == nil && c.Engagement != "" {
		return sc.Engagement(c.Engagement) == nil
	}
	if id, ok := idOf(d.Control); ok {
		controls = append(controls, id)
	}
	for _, c := range controls {
		if sc.controls[c] {
			return true
		}
	}
	return false
}

// idOf reads an ID written as a string, or as an object with an "id".
func idOf(raw json.RawMessage) (string, bool) {
	var id string
	if json.Unmarshal(raw, &id) == nil && id != "" {
		return id, true
	}
	var o struct {
		ID string `json:"id"`
	}
	if len(raw) > 0 && raw[0] == '{' && json.Unmarshal(raw, &o) == nil && o.ID != "" {
		return o.ID, true
	}
	return "", false
}

// Engagements keeps the engagements in the scope.
func (sc *Scope) Engagements(engs []attest.Engagement) []attest.Engagement {
	if sc.all {
		return engs
	}
	out := []attest.Engagement{}
	for _, e := range engs {
		if _, ok := sc.engagements[e.ID]; ok {
			out = append(out, e)
		}
	}
	return out
}

// Control reports whether a control (by ID, as evidence names it) belongs
// to an engagement in the scope.
func (sc *Scope) Control(id string) bool { return sc.all || sc.controls[id] }

// Evidence refuses evidence that supports no control in the scope.
func (sc *Scope) Evidence(e *attest.Evidence) error {
	if sc.all {
		return nil
	}
	for _, c := range e.Controls {
		if sc.controls[c] {
			return nil
		}
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "this evidence supports no control of an engagement you audit"}
}

// Document refuses a document (a draft, an issued report, the
// description's inputs) to a reader who does not read the working papers,
// or of an engagement outside the scope (and, for an auditor, one that
// belongs to no engagement).
func (sc *Scope) Document(d *attest.Document) error { return sc.Papers(d.EngagementID) }

// ReadsPapers refuses a reader who reads no engagement's working papers:
// a role that does not read them, or an auditor on no live engagement.
// What reads across engagements asks it (the ledger, where Entry then
// says which entries an auditor reads; the fieldwork index).
func (sc *Scope) ReadsPapers() error {
	if !sc.papers {
		return sc.notPapers()
	}
	return sc.Check()
}
