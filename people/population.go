package people

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/collect"
)

// Kinds of roster population.
const (
	Hires   = "hires"
	Leavers = "leavers"
)

// DefaultControls are the library controls each population is for, in
// order of preference: the first the engagement holds is taken when the
// request names none.
var DefaultControls = map[string][]string{
	Hires:   {"HR-01", "HR-02", "AC-03"},
	Leavers: {"AC-04"},
}

// PopulationStore is what extracting a population reads.
type PopulationStore interface {
	Engagement(ctx context.Context, id string) (*attest.Engagement, error)
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	People(ctx context.Context) ([]attest.Person, error)
}

// Scope is the reader's access: which engagements an auditor may read
// (auth.Scope satisfies it).
type Scope interface {
	Engagement(id string) error
}

// PopulationRequest names a population: the engagement, hires or
// leavers, and the control it is for (empty: DefaultControls).
type PopulationRequest struct {
	Engagement string `json:"engagement"`
	Kind       string `json:"kind"`
	Control    string `json:"control"`
}

// Extracted is a population drawn from the roster: the in-scope people
// who started (hires) or left (leavers) within the engagement's period,
// with where it came from.
type Extracted struct {
	Engagement string `json:"engagement"`
	Kind       string `json:"kind"`
	Control    string `json:"control"`
	From       string `json:"from"`
	Through    string `json:"through"`
	// Entry is the latest roster change the population reflects.
	Entry  int64           `json:"roster_entry"`
	Query  string          `json:"query"`
	People []attest.Person `json:"people"`
	// roster is the whole roster the population was drawn from, for a
	// reconciliation against the same read (RecordReconciled).
	roster []attest.Person
}

// Extract draws the hire or leaver population of an engagement's period,
// up to today when the period has not ended, from the roster: for
// management, and for the service auditor of that engagement (inside
// their window, by sc), who reads the roster only this way.
func Extract(ctx context.Context, s PopulationStore, sc Scope, actor *attest.User, req PopulationRequest, now time.Time) (*Extracted, error) {
	if !attest.Manages(actor) && (actor.Role != attest.RoleAuditor || sc == nil) {
		return nil, forbidden("and the engagement's service auditor read the hire and leaver populations")
	}
	if actor != nil && actor.Role == attest.RoleAuditor {
		if err := sc.Engagement(req.Engagement); err != nil {
			return nil, err
		}
	}
	if req.Kind != Hires && req.Kind != Leavers {
		return nil, attest.Errorf(attest.EINVALID, "kind: %q is not hires or leavers", req.Kind)
	}
	e, err := s.Engagement(ctx, req.Engagement)
	if err != nil {
		return nil, err
	}
	if e.PeriodStart == "" {
		return nil, attest.Errorf(attest.EINVALID, "engagement %s is a Type 1 (as of %s): its hires and leavers have no period to fall in", e.ID, e.AsOf)
	}
	control, err := populationControl(ctx, s, e.ID, req)
	if err != nil {
		return nil, err
	}
	all, err := s.People(ctx)
	if err != nil {
		return nil, err
	}
	out := &Extracted{Engagement: e.ID, Kind: req.Kind, Control: control, From: e.PeriodStart, Through: min(e.PeriodEnd, now.UTC().Format(time.DateOnly)), People: []attest.Person{}, roster: all}
	date, field := func(p attest.Person) string { return p.Start }, "a start"
	if req.Kind == Leavers {
		date, field = func(p attest.Person) string { return p.End }, "an end"
	}
	out.Query = fmt.Sprintf("people on the roster marked in scope with %s date from %s to %s", field, out.From, out.Through)
	for _, p := range all {
		out.Entry = max(out.Entry, p.Entry)
		if d := date(p); p.InScope && d >= out.From && d <= out.Through {
			out.People = append(out.People, p)
		}
	}
	slices.SortStableFunc(out.People, func(a, b attest.Person) int { return strings.Compare(date(a), date(b)) })
	return out, nil
}

func populationControl(ctx context.Context, s PopulationStore, engagement string, req PopulationRequest) (string, error) {
	ctls, err := s.Controls(ctx, engagement)
	if err != nil {
		return "", err
	}
	held := map[string]bool{}
	for _, c := range ctls {
		held[c.ID] = true
	}
	if req.Control != "" {
		id := strings.ToUpper(strings.TrimSpace(req.Control))
		if !held[id] {
			return "", attest.Errorf(attest.EINVALID, "control: engagement %s holds no control %s", engagement, id)
		}
		return id, nil
	}
	for _, id := range DefaultControls[req.Kind] {
		if held[id] {
			return id, nil
		}
	}
	return "", attest.Errorf(attest.EINVALID, "control: engagement %s holds none of %s: name the control the %s are the population of", engagement, strings.Join(DefaultControls[req.Kind], ", "), req.Kind)
}

// PopulationColumns are the columns of a roster population's CSV: only
// what the auditor needs to select and trace each person.
var PopulationColumns = []string{"person_id", "employee_id", "email", "name", "kind", "department", "title", "manager", "start_date", "end_date"}

// WritePopulation writes an extracted population as CSV (PopulationColumns).
func WritePopulation(w io.Writer, x *Extracted) error {
	cw := csv.NewWriter(w)
	cw.Write(PopulationColumns)
	for _, p := range x.People {
		cw.Write([]string{fmt.Sprint(p.ID), p.EmployeeID, p.Email, p.Name, p.Kind, p.Department, p.Title, p.Manager, p.Start, p.End})
	}
	cw.Flush()
	return cw.Error()
}

// PopulationsStore is what recording a population writes to.
type PopulationsStore interface {
	PopulationStore
	AddPopulation(ctx context.Context, ch attest.Change, p attest.Population) (*attest.Population, error)
}

// Putter stores bytes by their hash.
type Putter interface {
	Put(r io.Reader) (blob.Ref, int64, error)
}

// RecordPopulation extracts a population and records it, for management,
// as the population of its control, keyed by person_id and dated by the
// start or end date, with its provenance: the roster and the ledger entry
// that last changed it, the query, who extracted it and when. It is the
// population workflow's record (population.imported), so the auditor
// draws from it as from any other.
func RecordPopulation(ctx context.Context, s PopulationsStore, bs Putter, ch attest.Change, actor *attest.User, req PopulationRequest) (*attest.Population, *Extracted, error) {
	x, p, err := extractRecord(ctx, s, bs, ch, actor, req)
	if err != nil {
		return nil, nil, err
	}
	saved, err := s.AddPopulation(ctx, ch, *p)
	return saved, x, err
}

// extractRecord extracts the population req asks for, for management,
// stores its CSV and returns the record RecordPopulation keeps of it.
func extractRecord(ctx context.Context, s PopulationStore, bs Putter, ch attest.Change, actor *attest.User, req PopulationRequest) (*Extracted, *attest.Population, error) {
	if !attest.Manages(actor) {
		return nil, nil, forbidden("records populations")
	}
	x, err := Extract(ctx, s, nil, actor, req, ch.At)
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if err := WritePopulation(&buf, x); err != nil {
		return nil, nil, err
	}
	ref, _, err := bs.Put(&buf)
	if err != nil {
		return nil, nil, fmt.Errorf("store the %s population: %w", x.Kind, err)
	}
	dateCol := "start_date"
	if x.Kind == Leavers {
		dateCol = "end_date"
	}
	p := attest.Population{ControlID: x.Control, Ref: string(ref), Name: fmt.Sprintf("%s-%s-%s-%s.csv", x.Kind, x.Engagement, x.From, x.Through), Format: "csv",
		Rows: len(x.People), KeyColumn: "person_id", DateColumn: dateCol, Source: fmt.Sprintf("Attest roster as of ledger entry %d", x.Entry),
		Query: x.Query, ExtractedBy: ch.Actor, ExtractedAt: ch.Stamp()}
	if len(x.People) > 0 {
		first, last := x.People[0], x.People[len(x.People)-1]
		p.FirstDate, p.LastDate = first.Start, last.Start
		if x.Kind == Leavers {
			p.FirstDate, p.LastDate = first.End, last.End
		}
	}
	return x, &p, nil
}

// Reconciliation is a population checked against the identity
// provider's accounts a collection read.
type Reconciliation struct {
	Collection int64 `json:"collection"`
	// At is when the collection read the accounts.
	At string `json:"collected_at"`
	// Matched counts the population's people with an account.
	Matched int `json:"matched"`
	// NotOnRoster are active accounts whose address is no one's on the
	// roster.
	NotOnRoster []string `json:"not_on_roster"`
	// StillActive are leavers whose account was still active when the
	// accounts were read, after their end date.
	StillActive []string `json:"still_active"`
	// NoAccount are hires with no account at all.
	NoAccount []string `json:"no_account"`
}

// inactive are the identity provider's statuses of an account that
// cannot sign in.
var inactive = map[string]bool{"deprovisioned": true, "suspended": true, "deactivated": true, "disabled": true}

// Reconcile checks a population against the identity provider's users
// (idp.user records) a collection read on collectedAt: active accounts of
// no one on the roster, leavers still active after their end date, hires
// without an account. The roster is the whole of it (anyone on it has a
// reason to hold an account).
func Reconcile(x *Extracted, roster []attest.Person, records []collect.Record, collection int64, collectedAt string) *Reconciliation {
	r := &Reconciliation{Collection: collection, At: collectedAt, NotOnRoster: []string{}, StillActive: []string{}, NoAccount: []string{}}
	on := map[string]bool{}
	for _, p := range roster {
		on[p.Email] = true
	}
	active := map[string]bool{}
	seen := map[string]bool{}
	for _, rec := range records {
		if rec.Type != "idp.user" {
			continue
		}
		email := strings.ToLower(strings.TrimSpace(str(rec.Fields["email"])))
		if email == "" {
			email = strings.ToLower(strings.TrimSpace(str(rec.Fields["login"])))
		}
		if email == "" {
			continue
		}
		seen[email] = true
		if !inactive[strings.ToLower(str(rec.Fields["status"]))] {
			active[email] = true
			if !on[email] {
				r.NotOnRoster = append(r.NotOnRoster, email)
			}
		}
	}
	day := collectedAt
	if len(day) > 10 {
		day = day[:10]
	}
	for _, p := range x.People {
		if seen[p.Email] {
			r.Matched++
		}
		switch {
		case x.Kind == Leavers && active[p.Email] && p.End < day:
			r.StillActive = append(r.StillActive, p.Email)
		case x.Kind == Hires && !seen[p.Email] && p.Employed(day):
			r.NoAccount = append(r.NoAccount, p.Email)
		}
	}
	slices.Sort(r.NotOnRoster)
	return r
}

// Completeness is the reconciliation as the population's completeness
// check: the accounts not on the roster are what the population may miss,
// the leavers still active (or hires without an account) what it holds
// that the accounts do not bear out.
func (r *Reconciliation) Completeness(population int64, kind string) attest.Completeness {
	extra, what := r.StillActive, "leavers still active after their end date"
	if kind == Hires {
		extra, what = r.NoAccount, "hires without an account"
	}
	return attest.Completeness{PopulationID: population, Method: attest.CompletenessReconciled, Matched: r.Matched, Missing: r.NotOnRoster, Extra: extra,
		MissingCount: len(r.NotOnRoster), ExtraCount: len(extra),
		Note: fmt.Sprintf("reconciled to the identity provider's accounts read by collection %d on %s: %d active accounts of no one on the roster; %d %s",
			r.Collection, r.At, len(r.NotOnRoster), len(extra), what)}
}

// Accounts are an identity provider's accounts as a collection read them
// (idp.user records): which collection, and when.
type Accounts struct {
	Collection  int64
	CollectedAt string
	Records     []collect.Record
}

// Reconciled is a population recorded, with its reconciliation when one
// was asked for. The fields stand in the order attest people population
// --json has always printed them in (by name).
type Reconciled struct {
	Completeness   *attest.Completeness `json:"completeness,omitempty"`
	Extracted      *Extracted           `json:"extracted"`
	Population     *attest.Population   `json:"population"`
	Reconciliation *Reconciliation      `json:"reconciliation,omitempty"`
}

// RecordReconciled records the population req asks for (RecordPopulation)
// and, with accounts, reconciles it to them against the roster
// (Reconcile) and records the result as its completeness check, the
// population and its check in one transaction. Management only.
func RecordReconciled(ctx context.Context, s interface {
	PopulationsStore
	AddCheckedPopulation(ctx context.Context, ch attest.Change, p attest.Population, c *attest.Completeness) (*attest.Population, *attest.Completeness, error)
}, bs Putter, ch attest.Change, actor *attest.User, req PopulationRequest, accounts *Accounts) (*Reconciled, error) {
	if accounts == nil {
		pop, x, err := RecordPopulation(ctx, s, bs, ch, actor, req)
		if err != nil {
			return nil, err
		}
		return &Reconciled{Population: pop, Extracted: x}, nil
	}
	x, p, err := extractRecord(ctx, s, bs, ch, actor, req)
	if err != nil {
		return nil, err
	}
	// The roster the population was drawn from, read once: the
	// reconciliation says what the population's record says.
	out := &Reconciled{Extracted: x, Reconciliation: Reconcile(x, x.roster, accounts.Records, accounts.Collection, accounts.CollectedAt)}
	check := out.Reconciliation.Completeness(0, x.Kind)
	if out.Population, out.Completeness, err = s.AddCheckedPopulation(ctx, ch, *p, &check); err != nil {
		return nil, err
	}
	return out, nil
}
