package report

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/catalog"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/deviation"
	eng "github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/readiness"
)

// Documents reads an engagement's documents of one kind, oldest first.
type Documents interface {
	Documents(ctx context.Context, engagementID, kind string) ([]attest.Document, error)
}

// InputStore is what LoadInput reads.
type InputStore interface {
	Documents
	eng.LedgerReader
	DeviationSource
	check.LatestStore
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	Exclusions(ctx context.Context, engagementID string) ([]attest.Exclusion, error)
	Tests(ctx context.Context, engagementID, controlID string) ([]attest.Test, error)
	Responses(ctx context.Context, testID int64) ([]attest.Response, error)
	Auditors(ctx context.Context, engagementID string) ([]attest.Auditor, error)
	fieldwork.AuditStore
	Engagements(ctx context.Context) ([]attest.Engagement, error)
}

// LoadDescription reads the engagement's latest description inputs and
// the bytes they were parsed from: an empty Description and nil bytes
// when none are recorded.
func LoadDescription(ctx context.Context, s Documents, blobs blob.Store, engagementID string) (*Description, []byte, error) {
	docs, err := s.Documents(ctx, engagementID, attest.DocDescription)
	if err != nil {
		return nil, nil, err
	}
	if len(docs) == 0 {
		return &Description{}, nil, nil
	}
	doc := docs[len(docs)-1]
	if blobs == nil {
		return nil, nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "there is no document store to read the description inputs from"}
	}
	b, err := blob.ReadAll(blobs, blob.Ref(doc.Ref))
	if err != nil {
		return nil, nil, err
	}
	d, err := ParseDescription("description inputs (document "+strconv.FormatInt(doc.ID, 10)+")", b)
	return d, b, err
}

// Missing is Check's gaps as part and detail, what readiness lists.
func (d *Description) Missing(e *attest.Engagement, controls map[string]bool) [][2]string {
	var out [][2]string
	for _, g := range d.Check(e, controls) {
		out = append(out, [2]string{g.Part, g.Detail})
	}
	return out
}

// Choose settles the kind and type of a draft from engagement e's work:
// an empty kind is the engagement's own, an empty type the engagement's
// type, and a SOC 3 has none. A combination the engagement cannot give
// is an EINVALID error.
func Choose(e *attest.Engagement, kind attest.Kind, typ attest.ReportType) (attest.Kind, attest.ReportType, error) {
	if kind == "" {
		kind = e.Kind
	}
	switch {
	case kind == attest.SOC3:
		typ = ""
	case typ == "":
		typ = e.Type
	}
	in := Input{Engagement: e, Kind: kind, Type: typ}
	return kind, typ, in.Check()
}

// Kinds are the reports engagement e's work can give (those Choose
// accepts): its own kind, and a SOC 3 from SOC 2 Type 2 work.
func Kinds(e *attest.Engagement) []attest.Kind {
	out := []attest.Kind{}
	for _, k := range []attest.Kind{attest.SOC1, attest.SOC2, attest.SOC3} {
		if _, _, err := Choose(e, k, ""); err == nil {
			out = append(out, k)
		}
	}
	return out
}

// LoadInput reads what a draft of engagement e is built from, for the
// kind and type Choose settles: the description inputs, controls,
// exclusions, the tests and management's responses, and the auditors.
// attest report build, the report-build job and the web's drafts all use
// it.
func LoadInput(ctx context.Context, s InputStore, blobs blob.Store, e *attest.Engagement, kind attest.Kind, typ attest.ReportType, now time.Time) (*Input, error) {
	kind, typ, err := Choose(e, kind, typ)
	if err != nil {
		return nil, err
	}
	in := &Input{Engagement: e, Kind: kind, Type: typ, Catalog: catalog.MustLoad(), Now: now}
	if in.Description, _, err = LoadDescription(ctx, s, blobs, e.ID); err != nil {
		return nil, err
	}
	if in.Controls, err = s.Controls(ctx, e.ID); err != nil {
		return nil, err
	}
	if in.Exclusions, err = s.Exclusions(ctx, e.ID); err != nil {
		return nil, err
	}
	if in.Tests, err = s.Tests(ctx, e.ID, ""); err != nil {
		return nil, err
	}
	if err := loadSigned(ctx, s, e, in); err != nil {
		return nil, err
	}
	if in.Responses, err = s.Responses(ctx, 0); err != nil {
		return nil, err
	}
	if in.Auditors, err = s.Auditors(ctx, e.ID); err != nil {
		return nil, err
	}
	if in.History, err = eng.History(ctx, s, e.ID); err != nil {
		return nil, err
	}
	// The deviations management knows of, for the assertion's matters to
	// discuss with the service auditor.
	run, err := check.Latest(ctx, s, blobs)
	if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
		return nil, err
	}
	if in.Known, err = KnownDeviations(ctx, s, e, deviation.Inputs{Run: run, Description: in.Description, IssuedEnd: issuedEnd(ctx, s, e), More: people.DeviationSources(s, people.RecordsOf(s, now))}, ExaminationSpan(e, now)); err != nil {
		return nil, err
	}
	return in, nil
}

// DraftSlug names a draft's files after its engagement, adding the kind
// and type when they are not the engagement's own (a SOC 3 from SOC 2
// work).
func (in *Input) DraftSlug() string {
	if in.Kind == in.Engagement.Kind && in.Type == in.Engagement.Type {
		return Slug(in.Engagement.ID, "draft")
	}
	return Slug(in.Engagement.ID, string(in.Kind), string(in.Type), "draft")
}

// loadSigned marks the tests Section 4 may present as the service
// auditor's: those whose signed statement verifies against the
// engagement's enrolled keys (fieldwork.Check), and the verified tests of
// another engagement that the auditor said apply to this one too. The
// rest of the auditor's tests are listed as not signed.
func loadSigned(ctx context.Context, s InputStore, e *attest.Engagement, in *Input) error {
	a, err := fieldwork.Check(ctx, s, e.ID)
	if err != nil {
		return err
	}
	for _, k := range a.Keys {
		if k.Valid {
			in.Keys = append(in.Keys, k.AuditorKey)
		}
	}
	in.Signed = a.Verified(in.Tests)
	for _, t := range in.Tests {
		if t.Internal {
			continue
		}
		if in.Signed[t.ID] {
			if rs := a.Reviews[t.Entry]; len(rs) > 0 {
				if in.Reviewers == nil {
					in.Reviewers = map[int64][]string{}
				}
				in.Reviewers[t.ID] = rs
			}
		} else {
			in.Unsigned = append(in.Unsigned, t)
		}
	}
	engs, err := s.Engagements(ctx)
	if err != nil {
		return err
	}
	for _, o := range engs {
		if o.ID == e.ID {
			continue
		}
		ts, err := s.Tests(ctx, o.ID, "")
		if err != nil {
			return err
		}
		var shared []attest.Test
		for _, t := range ts {
			for _, id := range t.AppliesTo {
				if id == e.ID && !t.Internal {
					shared = append(shared, t)
				}
			}
		}
		if len(shared) == 0 {
			continue
		}
		oa, err := fieldwork.Check(ctx, s, o.ID)
		if err != nil {
			return err
		}
		for _, t := range shared {
			if oa.Verdict(t.Entry) == fieldwork.Verified {
				in.Signed[t.ID] = true
				in.Tests = append(in.Tests, t)
			}
		}
	}
	return nil
}

// issuedEnd is the end of the last issued report's period of e's kind, ""
// when none is on file or its record cannot be read.
func issuedEnd(ctx context.Context, s Documents, e *attest.Engagement) string {
	docs, err := s.Documents(ctx, "", attest.DocIssued)
	if err != nil {
		return ""
	}
	r, err := LatestIssued(docs, e.Kind)
	if err != nil {
		return ""
	}
	return r.End
}

// RegisterStore is what LoadRegister reads.
type RegisterStore interface {
	Documents
	deviation.Store
	check.LatestStore
}

// LoadRegister reads engagement e's known-deviations register over the
// span its assertion speaks for (ExaminationSpan), as of now: with the
// incidents of its description inputs, the latest check run, and the last
// issued report's period end for the bridge letter. attest deviations, the
// web's page and the drafts use it.
func LoadRegister(ctx context.Context, s RegisterStore, blobs blob.Store, e *attest.Engagement, now time.Time) (*deviation.Register, error) {
	desc, _, err := LoadDescription(ctx, s, blobs, e.ID)
	if err != nil {
		return nil, err
	}
	run, err := check.Latest(ctx, s, blobs)
	if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
		return nil, err
	}
	return deviation.Load(ctx, s, e, ExaminationSpan(e, now), deviation.Inputs{Run: run, Description: desc, IssuedEnd: issuedEnd(ctx, s, e), More: people.DeviationSources(s, people.RecordsOf(s, now))})
}

// BridgeStore is what DraftBridge reads.
type BridgeStore interface {
	Documents
	BridgeSource
	check.LatestStore
}

// BridgeRequest is what a bridge letter is asked for: the last day it
// covers, the matters management adds in its own words, and whether
// management confirms there is nothing to disclose.
type BridgeRequest struct {
	Through       time.Time
	Matters       []string
	ConfirmedNone bool
}

// DraftRepresentation drafts management's representation letter for
// engagement e, naming the known deviations of its register as of now,
// signed by signers (none: the description's signer and a chief financial
// officer to name). attest report representation-letter and the demo use
// it.
func DraftRepresentation(ctx context.Context, s RegisterStore, blobs blob.Store, e *attest.Engagement, desc *Description, signers []Signer, now time.Time) (*Document, error) {
	reg, err := LoadRegister(ctx, s, blobs, e, now)
	if err != nil {
		return nil, err
	}
	return RepresentationLetter(RepresentationInput{Engagement: e, Description: desc, Signatories: signers, Known: reg.Deviations, Now: now})
}

// DraftBridge drafts engagement e's bridge letter after the latest issued
// report of its kind (a SOC 3 issued beside a SOC 2 is not the one
// bridged), with the matters found since that report's period as of now.
// attest report bridge-letter and the demo use it.
func DraftBridge(ctx context.Context, s BridgeStore, blobs blob.Store, e *attest.Engagement, desc *Description, r BridgeRequest, now time.Time) (*Document, []string, error) {
	docs, err := s.Documents(ctx, "", attest.DocIssued)
	if err != nil {
		return nil, nil, err
	}
	issued, err := LatestIssued(docs, e.Kind)
	if err != nil {
		return nil, nil, err
	}
	run, err := check.Latest(ctx, s, blobs)
	if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
		return nil, nil, err
	}
	u := now.UTC()
	today := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	matters, err := BridgeMatters(ctx, s, e, desc, issued, r.Through, today, run)
	if err != nil {
		return nil, nil, err
	}
	for _, x := range r.Matters {
		matters = append(matters, Matter{Kind: MatterOther, Text: strings.TrimSpace(x)})
	}
	return BridgeLetter(BridgeInput{Engagement: e, Description: desc, Issued: issued, Through: r.Through,
		Matters: matters, ConfirmedNone: r.ConfirmedNone, Now: now})
}

// ReadinessStore is what Readiness reads.
type ReadinessStore interface {
	readiness.Store
	Documents
}

// Readiness assesses engagement e as of when, with its description inputs
// as kept: the input and the report. attest readiness, the readiness
// summary and the dashboard all assess here, so they show the same scores
// and gaps for the same data. sh is what every engagement assessed at one
// time shares (readiness.LoadShared), read once by a caller that assesses
// several.
func Readiness(ctx context.Context, s ReadinessStore, blobs blob.Store, e *attest.Engagement, when time.Time, sh readiness.Shared) (*readiness.Input, *readiness.Report, error) {
	desc, _, err := LoadDescription(ctx, s, blobs, e.ID)
	if err != nil {
		return nil, nil, err
	}
	in, err := readiness.Load(ctx, s, e, when, desc, sh)
	if err != nil {
		return nil, nil, err
	}
	return in, readiness.Assess(*in), nil
}

// AssessStore is what Assess reads.
type AssessStore interface {
	ReadinessStore
	check.LatestStore
}

// Assess is Readiness for one engagement, reading what it shares with
// the others (readiness.LoadShared) itself: attest readiness and the
// readiness summary.
func Assess(ctx context.Context, s AssessStore, blobs blob.Store, e *attest.Engagement, when time.Time) (*readiness.Input, *readiness.Report, error) {
	sh, err := readiness.LoadShared(ctx, s, blobs)
	if err != nil {
		return nil, nil, err
	}
	return Readiness(ctx, s, blobs, e, when, sh)
}

// DraftReadinessSummary drafts engagement e's internal readiness summary,
// prepared now: the readiness assessment as of the start of now's day
// (Readiness, as the dashboard has it) and the description's gaps.
func DraftReadinessSummary(ctx context.Context, s AssessStore, blobs blob.Store, e *attest.Engagement, desc *Description, now time.Time) (*Document, error) {
	t := now.UTC()
	in, rep, err := Assess(ctx, s, blobs, e, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, err
	}
	return ReadinessSummary(e, rep, desc.Check(e, attest.ControlIDs(in.Controls)), now), nil
}

// Scope is the documents a reader may see: auth.Scope for an account
// (management and an auditor, who sees those of the engagements they
// audit; not a control owner or a viewer: the documents are working
// papers), auth.Everything for the local operator.
type Scope interface {
	Papers(engagementID string) error
	Document(d *attest.Document) error
}

// ListDocuments is the engagement's documents of a kind ("" for every
// kind), oldest first, when the reader reads its working papers.
func ListDocuments(ctx context.Context, s Documents, sc Scope, engagementID, kind string) ([]attest.Document, error) {
	if err := sc.Papers(engagementID); err != nil {
		return nil, err
	}
	docs, err := s.Documents(ctx, engagementID, kind)
	if err != nil {
		return nil, err
	}
	out := make([]attest.Document, 0, len(docs))
	for i := range docs {
		if sc.Document(&docs[i]) == nil {
			out = append(out, docs[i])
		}
	}
	return out, nil
}

// Shelf is one engagement's report drafts and issued reports, newest
// first, with the kinds of report it may build.
type Shelf struct {
	Engagement attest.Engagement `json:"engagement"`
	Kinds      []attest.Kind     `json:"kinds"`
	Drafts     []attest.Document `json:"drafts"`
	Issued     []attest.Document `json:"issued"`
}

// Shelves is the drafts and issued reports of every engagement in the
// reader's scope, in the store's order of engagements; refused to a
// reader who reads no working papers.
func Shelves(ctx context.Context, s interface {
	Documents
	Engagements(ctx context.Context) ([]attest.Engagement, error)
}, sc interface {
	Scope
	ReadsPapers() error
	Engagements(engs []attest.Engagement) []attest.Engagement
}) ([]Shelf, error) {
	if err := sc.ReadsPapers(); err != nil {
		return nil, err
	}
	engs, err := s.Engagements(ctx)
	if err != nil {
		return nil, err
	}
	out := []Shelf{}
	for _, e := range sc.Engagements(engs) {
		v := Shelf{Engagement: e, Kinds: Kinds(&e), Drafts: []attest.Document{}, Issued: []attest.Document{}}
		docs, err := ListDocuments(ctx, s, sc, e.ID, "")
		if err != nil {
			return nil, err
		}
		for i := len(docs) - 1; i >= 0; i-- {
			switch docs[i].Kind {
			case attest.DocRender:
				v.Drafts = append(v.Drafts, docs[i])
			case attest.DocIssued:
				v.Issued = append(v.Issued, docs[i])
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// GetDocument is document id, refused outside the scope.
func GetDocument(ctx context.Context, s interface {
	Document(ctx context.Context, id int64) (*attest.Document, error)
}, sc Scope, id int64) (*attest.Document, error) {
	d, err := s.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	return d, sc.Document(d)
}

// OrganizationName is the organization's name as the newest engagement
// whose description inputs give one says it ("" when none does): what the
// sign-in pages show.
func OrganizationName(ctx context.Context, s interface {
	Documents
	Engagements(ctx context.Context) ([]attest.Engagement, error)
}, blobs blob.Store) (string, error) {
	engs, err := s.Engagements(ctx)
	if err != nil {
		return "", err
	}
	for i := len(engs) - 1; i >= 0; i-- {
		if d, _, err := LoadDescription(ctx, s, blobs, engs[i].ID); err == nil {
			if name := strings.TrimSpace(d.Organization); name != "" {
				return name, nil
			}
		}
	}
	return "", nil
}
