package fieldwork

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/population"
)

// What the auditor's workspace shows: each control's work so far, draws
// with what re-performs them, and tests with management's responses. The
// web's pages and API and the CLI's lists read these.

// Method is how a draw selects its items, as every page, list and export
// names it.
const Method = "HMAC-SHA256 rank of each item's key with the seed as key; the lowest ranks are taken (docs/sampling.md)"

// Shown is a draw with what lets anyone re-perform it: the population's
// hash and size, the method, and what kind of draw it is.
type Shown struct {
	attest.Draw
	PopulationRef  string `json:"population_sha256"`
	PopulationRows int    `json:"population_rows"`
	Method         string `json:"method"`
	// Kind is "binding", "extension of draw N" or "redraw: REASON".
	Kind string `json:"kind"`
}

// Show is d as shown, drawn from p.
func Show(d attest.Draw, p *attest.Population) Shown {
	m := Method
	if d.Stratify != "" {
		m += ", spread over the population's " + d.Stratify + "s"
	}
	kind := "binding"
	switch {
	case d.Extends > 0:
		kind = fmt.Sprintf("extension of draw %d", d.Extends)
	case !d.Binding:
		kind = "redraw: " + d.Redraw
	}
	return Shown{Draw: d, PopulationRef: p.Ref, PopulationRows: p.Rows, Method: m, Kind: kind}
}

// DrawStore is what Draws reads.
type DrawStore interface {
	Draws(ctx context.Context, engagementID, controlID string) ([]attest.Draw, error)
	Population(ctx context.Context, id int64) (*attest.Population, error)
}

// Reader is what the fieldwork's reads ask of the reader's scope
// (auth.Scope): whether they read an engagement's results (its auditor,
// and the auditor of the period after it; management), and whether they
// may also act on its fieldwork.
type Reader interface {
	Results(engagementID string) error
	Acts(engagementID string) bool
}

// Draws is the engagement's draws (one control's, when controlID is
// given), oldest first, as shown, when the reader reads its results.
func Draws(ctx context.Context, s DrawStore, sc Reader, engagementID, controlID string) ([]Shown, error) {
	if err := sc.Results(engagementID); err != nil {
		return nil, err
	}
	ds, err := s.Draws(ctx, engagementID, controlID)
	if err != nil {
		return nil, err
	}
	pops := map[int64]*attest.Population{}
	out := []Shown{}
	for _, d := range ds {
		p := pops[d.PopulationID]
		if p == nil {
			if p, err = s.Population(ctx, d.PopulationID); err != nil {
				return nil, err
			}
			pops[d.PopulationID] = p
		}
		out = append(out, Show(d, p))
	}
	return out, nil
}

// Progress is one control's fieldwork so far: its populations, draws, the
// auditor's tests and management's own, the requests still open, and the
// auditor's latest conclusion in its words.
type Progress struct {
	ID          string `json:"control"`
	Title       string `json:"title"`
	Populations int    `json:"populations"`
	Draws       int    `json:"draws"`
	Tests       int    `json:"tests"`
	Internal    int    `json:"internal_tests"`
	Open        int    `json:"open_requests"`
	Conclusion  string `json:"conclusion"`
}

// WorkspaceStore is what Workspace reads.
type WorkspaceStore interface {
	population.ListStore
	Draws(ctx context.Context, engagementID, controlID string) ([]attest.Draw, error)
	Tests(ctx context.Context, engagementID, controlID string) ([]attest.Test, error)
	Requests(ctx context.Context, engagementID string) ([]attest.Request, error)
}

// Workspace is each of e's controls with its fieldwork so far, in the
// engagement's order, when the reader reads e's results.
func Workspace(ctx context.Context, s WorkspaceStore, sc Reader, e *attest.Engagement) ([]Progress, error) {
	pops, err := population.List(ctx, s, sc, e.ID, "")
	if err != nil {
		return nil, err
	}
	ctls, err := s.Controls(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	draws, err := s.Draws(ctx, e.ID, "")
	if err != nil {
		return nil, err
	}
	tests, err := s.Tests(ctx, e.ID, "")
	if err != nil {
		return nil, err
	}
	// A prior period's requests are not its later auditor's to read.
	var reqs []attest.Request
	if sc.Acts(e.ID) {
		if reqs, err = s.Requests(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	rows := make([]Progress, len(ctls))
	at := map[string]*Progress{}
	for i, c := range ctls {
		rows[i] = Progress{ID: c.ID, Title: c.Title, Conclusion: "not tested yet"}
		at[c.ID] = &rows[i]
	}
	for _, p := range pops {
		if r := at[p.ControlID]; r != nil {
			r.Populations++
		}
	}
	for _, d := range draws {
		if r := at[d.ControlID]; r != nil {
			r.Draws++
		}
	}
	for _, t := range tests {
		switch r := at[t.ControlID]; {
		case r == nil:
		case t.Internal:
			r.Internal++
		default:
			r.Tests++
			r.Conclusion = t.Wording
		}
	}
	for _, q := range reqs {
		if r := at[q.ControlID]; r != nil && q.Status == "open" {
			r.Open++
		}
	}
	return rows, nil
}

// Tested is a test with management's responses to it, the verdict on the
// auditor's signed statement of it (Verified, Unsigned or BadSignature;
// empty for management's own tests), and whether the reader may respond
// to it now.
type Tested struct {
	attest.Test
	Responses  []attest.Response `json:"responses"`
	Signature  string            `json:"signature,omitempty"`
	MayRespond bool              `json:"may_respond"`
}

// TestsStore is what Tests reads.
type TestsStore interface {
	AuditStore
	Tests(ctx context.Context, engagementID, controlID string) ([]attest.Test, error)
	Responses(ctx context.Context, testID int64) ([]attest.Response, error)
}

// Tests is one control's tests as actor reads them (sc, actor's scope,
// reading the engagement's results), the auditor's and management's own
// apart, each with its responses. Management may respond to an auditor's
// test that found exceptions (the rule Respond applies).
func Tests(ctx context.Context, s TestsStore, actor *attest.User, sc Reader, engagementID, controlID string) (auditors, internal []Tested, err error) {
	if err := sc.Results(engagementID); err != nil {
		return nil, nil, err
	}
	ts, err := s.Tests(ctx, engagementID, controlID)
	if err != nil {
		return nil, nil, err
	}
	rs, err := s.Responses(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	byTest := map[int64][]attest.Response{}
	for _, x := range rs {
		byTest[x.TestID] = append(byTest[x.TestID], x)
	}
	audit, err := Check(ctx, s, engagementID)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range ts {
		v := Tested{Test: t, Responses: attest.OrEmpty(byTest[t.ID])}
		if t.Internal {
			internal = append(internal, v)
			continue
		}
		v.Signature = audit.Verdict(t.Entry)
		v.MayRespond = MayRespondTo(actor, &t)
		auditors = append(auditors, v)
	}
	return auditors, internal, nil
}

// ReadTest is test id as actor reads it (sc, actor's scope, reading its
// engagement's results): with management's responses, the verdict on the
// auditor's signed statement, and whether actor may respond.
func ReadTest(ctx context.Context, s interface {
	TestsStore
	Test(ctx context.Context, id int64) (*attest.Test, error)
}, actor *attest.User, sc Reader, id int64) (*Tested, error) {
	t, err := s.Test(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := sc.Results(t.EngagementID); err != nil {
		return nil, err
	}
	rs, err := s.Responses(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &Tested{Test: *t, Responses: attest.OrEmpty(rs)}
	if !t.Internal {
		audit, err := Check(ctx, s, t.EngagementID)
		if err != nil {
			return nil, err
		}
		v.Signature, v.MayRespond = audit.Verdict(t.Entry), MayRespondTo(actor, t)
	}
	return v, nil
}

// Open is an engagement on the fieldwork index: its auditors' names and
// the last day they may work on it ("" when no end is known).
type Open struct {
	attest.Engagement
	Auditors []string
	LastDay  string
}

// IndexStore is what Index reads.
type IndexStore interface {
	Engagements(ctx context.Context) ([]attest.Engagement, error)
	Auditors(ctx context.Context, engagementID string) ([]attest.Auditor, error)
}

// Index is the engagements in the reader's scope with their auditors and
// the last day of their access under grace, and the last of those days
// (an auditor's access to Attest ends with it); refused to a reader who
// reads no working papers.
func Index(ctx context.Context, s IndexStore, sc interface {
	engagement.Scope
	ReadsPapers() error
}, grace time.Duration) ([]Open, string, error) {
	if err := sc.ReadsPapers(); err != nil {
		return nil, "", err
	}
	engs, err := engagement.List(ctx, s, sc)
	if err != nil {
		return nil, "", err
	}
	out, last := []Open{}, ""
	for _, e := range engs {
		as, err := s.Auditors(ctx, e.ID)
		if err != nil {
			return nil, "", err
		}
		o := Open{Engagement: e, LastDay: auth.LastDay(&e, grace)}
		for _, a := range as {
			o.Auditors = append(o.Auditors, a.Name)
		}
		last = max(last, o.LastDay)
		out = append(out, o)
	}
	return out, last, nil
}

// Work is one control's fieldwork as a reader reads it: its populations,
// draws and tests (the auditor's and management's own apart), and whether
// the reader may act on it (not on a prior period's, read as results).
type Work struct {
	Control         *attest.Control
	Populations     []attest.Population
	Draws           []Shown
	Tests, Internal []Tested
	Acts            bool
}

// WorkStore is what ControlWork reads.
type WorkStore interface {
	TestsStore
	DrawStore
	population.ListStore
	Control(ctx context.Context, engagementID, id string) (*attest.Control, error)
}

// ControlWork is control controlID's fieldwork on the engagement as actor
// reads it, with sc, actor's scope.
func ControlWork(ctx context.Context, s WorkStore, actor *attest.User, sc Reader, engagementID, controlID string) (*Work, error) {
	if err := sc.Results(engagementID); err != nil {
		return nil, err
	}
	c, err := s.Control(ctx, engagementID, strings.ToUpper(controlID))
	if err != nil {
		return nil, err
	}
	w := &Work{Control: c, Acts: sc.Acts(engagementID)}
	if w.Populations, err = population.List(ctx, s, sc, engagementID, c.ID); err != nil {
		return nil, err
	}
	if w.Draws, err = Draws(ctx, s, sc, engagementID, c.ID); err != nil {
		return nil, err
	}
	w.Tests, w.Internal, err = Tests(ctx, s, actor, sc, engagementID, c.ID)
	return w, err
}

// Auditors is the engagement's named auditors, when the reader reads its
// results: the auditor of a later period sees who audited the prior one
// beside its work.
func Auditors(ctx context.Context, s interface {
	Auditors(ctx context.Context, engagementID string) ([]attest.Auditor, error)
}, sc Reader, engagementID string) ([]attest.Auditor, error) {
	if err := sc.Results(engagementID); err != nil {
		return nil, err
	}
	return s.Auditors(ctx, engagementID)
}
