package attest

import "context"

// Auditor is a named member of the service auditor's team on an
// engagement. Only auditors may set seeds, draw samples and record the
// auditor's tests and conclusions.
type Auditor struct {
	EngagementID string `json:"engagement"`
	Name         string `json:"name"`
	// UserID is the auditor's account: access and authorship are decided
	// by it, never by the name. 0 until the name is linked to an account
	// (attest engagement auditor link; attest user unresolved lists them).
	UserID  int64  `json:"user_id,omitempty"`
	Firm    string `json:"firm,omitempty"`
	AddedBy string `json:"added_by"`
	AddedAt string `json:"added_at"`
}

// Population is a list of items (changes, hires, terminations) extracted
// from a system for a control, kept byte for byte as a blob, with its
// provenance: information produced by the entity, whose completeness the
// auditor must be able to judge.
type Population struct {
	ID          int64  `json:"id"`
	ControlID   string `json:"control"`
	Ref         string `json:"sha256"` // the file's blob reference
	Name        string `json:"name"`
	Format      string `json:"format"`
	Rows        int    `json:"rows"`
	KeyColumn   string `json:"key_column"`
	DateColumn  string `json:"date_column,omitempty"`
	FirstDate   string `json:"first_date,omitempty"`
	LastDate    string `json:"last_date,omitempty"`
	Source      string `json:"source,omitempty"`
	Query       string `json:"query,omitempty"`
	ExtractedBy string `json:"extracted_by,omitempty"`
	ExtractedAt string `json:"extracted_at,omitempty"`
	ImportedBy  string `json:"imported_by"`
	ImportedAt  string `json:"imported_at"`
	Entry       int64  `json:"ledger_entry"`
}

// Draw is one sample selection by an auditor. The first draw for a
// population in an engagement is binding; later ones need a reason and
// stay visible beside it.
type Draw struct {
	ID           int64    `json:"id"`
	EngagementID string   `json:"engagement"`
	ControlID    string   `json:"control"`
	PopulationID int64    `json:"population_id"`
	Seed         string   `json:"seed"`
	Size         int      `json:"size"`
	Rule         string   `json:"rule"`
	Stratify     string   `json:"stratify,omitempty"`
	Items        []string `json:"items"`
	Binding      bool     `json:"binding"`
	Redraw       string   `json:"redraw_reason,omitempty"`
	Extends      int64    `json:"extends,omitempty"` // the draw this one extends
	DrawnBy      string   `json:"drawn_by"`
	DrawnAt      string   `json:"drawn_at"`
	Entry        int64    `json:"ledger_entry"`
}

// SamplingStore keeps auditors, populations and draws; every write appends
// a ledger entry in the same transaction.
type SamplingStore interface {
	AddAuditor(ctx context.Context, ch Change, a Auditor) error
	RemoveAuditor(ctx context.Context, ch Change, engagementID, name string) error
	// LinkAuditor links a named auditor to their account.
	LinkAuditor(ctx context.Context, ch Change, engagementID, name string, userID int64) (*Auditor, error)
	Auditors(ctx context.Context, engagementID string) ([]Auditor, error)
	AddPopulation(ctx context.Context, ch Change, p Population) (*Population, error)
	Population(ctx context.Context, id int64) (*Population, error)
	Populations(ctx context.Context, controlID string) ([]Population, error)
	// AddDraw records a draw. It refuses (ECONFLICT) a second draw for the
	// same engagement and population unless d.Redraw gives a reason; the
	// stored draw says whether it is the binding one.
	AddDraw(ctx context.Context, ch Change, d Draw) (*Draw, error)
	Draws(ctx context.Context, engagementID, controlID string) ([]Draw, error)
}

// Completeness records how a population was shown to be complete: by
// reconciling it to another population (HR terminations to
// identity-provider deactivations, say), with the differences listed, or to
// a stated control total.
type Completeness struct {
	ID           int64    `json:"id"`
	PopulationID int64    `json:"population"`
	Method       string   `json:"method"` // CompletenessReconciled or CompletenessControlTotal
	AgainstID    int64    `json:"against,omitempty"`
	ControlTotal int      `json:"control_total,omitempty"`
	Matched      int      `json:"matched"`
	Missing      []string `json:"missing"` // in the other population, not in this one
	Extra        []string `json:"extra"`   // in this population, not in the other
	MissingCount int      `json:"missing_count"`
	ExtraCount   int      `json:"extra_count"`
	Note         string   `json:"note,omitempty"`
	By           string   `json:"by"`
	At           string   `json:"at"`
	Entry        int64    `json:"ledger_entry"`
}

// The ways a population is shown complete (Completeness.Method).
const (
	CompletenessReconciled   = "reconciled"
	CompletenessControlTotal = "control-total"
)

// Check refuses a completeness check of no known method; every store
// asks it before keeping one.
func (c Completeness) Check() error {
	if c.Method != CompletenessReconciled && c.Method != CompletenessControlTotal {
		return Errorf(EINVALID, "a completeness check is %s or %s, not %q", CompletenessReconciled, CompletenessControlTotal, c.Method)
	}
	return nil
}

// CompletenessStore keeps completeness checks.
type CompletenessStore interface {
	AddCompleteness(ctx context.Context, ch Change, c Completeness) (*Completeness, error)
	// AddCheckedPopulation records a population and, when c is not nil,
	// its completeness check (c.PopulationID is the new population's) in
	// one transaction; nothing of either is kept when one is refused.
	AddCheckedPopulation(ctx context.Context, ch Change, p Population, c *Completeness) (*Population, *Completeness, error)
	CompletenessChecks(ctx context.Context, populationID int64) ([]Completeness, error)
}
