package attest

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"time"
)

// DateLayout is how Attest writes calendar dates.
const DateLayout = "2006-01-02"

// Engagement is one examination being prepared: a report kind and type, what
// it covers and when.
type Engagement struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Kind        Kind       `json:"kind"`
	Type        ReportType `json:"type,omitempty"` // empty for SOC 3
	AlsoSOC3    bool       `json:"also_soc3"`      // a SOC 3 is drawn from the same SOC 2 Type 2 work
	Categories  []string   `json:"categories"`     // SOC 2 and SOC 3
	Templates   []string   `json:"objective_templates"`
	AsOf        string     `json:"as_of,omitempty"`        // Type 1
	PeriodStart string     `json:"period_start,omitempty"` // Type 2 and SOC 3
	PeriodEnd   string     `json:"period_end,omitempty"`
	ReportDate  string     `json:"report_date,omitempty"` // expected
	Firm        string     `json:"firm"`
	CreatedAt   string     `json:"created_at"`
}

// Validate checks the engagement's own consistency.
func (e *Engagement) Validate() error {
	if !idPattern().MatchString(e.ID) {
		return Errorf(EINVALID, "engagement id %q: use letters, digits, '-' and '_' (at most 64)", e.ID)
	}
	switch e.Kind {
	case SOC1, SOC2:
		if e.Type != Type1 && e.Type != Type2 {
			return Errorf(EINVALID, "a %s engagement needs a type: Type 1 or Type 2", e.Kind)
		}
	case SOC3:
		if e.Type != "" {
			return Errorf(EINVALID, "a SOC 3 has no Type 1 or Type 2 form: it always covers a period")
		}
	default:
		return Errorf(EINVALID, "unknown report kind %q", e.Kind)
	}
	if e.Kind == SOC1 {
		if len(e.Templates) == 0 {
			return Errorf(EINVALID, "a SOC 1 engagement needs at least one control-objective template")
		}
		if len(e.Categories) != 0 {
			return Errorf(EINVALID, "a SOC 1 engagement is measured against control objectives, not Trust Services categories")
		}
	} else {
		if !contains(e.Categories, Security) {
			return Errorf(EINVALID, "a %s engagement always includes the Security category", e.Kind)
		}
		if len(e.Templates) != 0 {
			return Errorf(EINVALID, "a %s engagement is measured against the Trust Services Criteria, not control-objective templates", e.Kind)
		}
	}
	if e.AlsoSOC3 && (e.Kind != SOC2 || e.Type != Type2) {
		return Errorf(EINVALID, "a SOC 3 can only be drawn from SOC 2 Type 2 work")
	}
	if e.Type == Type1 {
		if _, err := ParseDate(e.AsOf); err != nil {
			return Errorf(EINVALID, "a Type 1 engagement needs an as-of date (YYYY-MM-DD)")
		}
		if e.PeriodStart != "" || e.PeriodEnd != "" {
			return Errorf(EINVALID, "a Type 1 engagement is as of a date: it has no period")
		}
	} else {
		start, err1 := ParseDate(e.PeriodStart)
		end, err2 := ParseDate(e.PeriodEnd)
		if err1 != nil || err2 != nil {
			return Errorf(EINVALID, "a %s engagement needs a period start and end (YYYY-MM-DD)", e.Label())
		}
		if !end.After(start) {
			return Errorf(EINVALID, "the period ends (%s) before it starts (%s)", e.PeriodEnd, e.PeriodStart)
		}
		if e.AsOf != "" {
			return Errorf(EINVALID, "a %s engagement covers a period: it has no as-of date", e.Label())
		}
	}
	if e.ReportDate != "" {
		rd, err := ParseDate(e.ReportDate)
		if err != nil {
			return Errorf(EINVALID, "report date %q: want YYYY-MM-DD", e.ReportDate)
		}
		last := e.AsOf
		if last == "" {
			last = e.PeriodEnd
		}
		if l, _ := ParseDate(last); rd.Before(l) {
			return Errorf(EINVALID, "the report date %s is before the %s: fieldwork follows it", e.ReportDate, map[bool]string{true: "as-of date", false: "period end"}[e.AsOf != ""])
		}
	}
	return nil
}

// Label is the report's short name, e.g. "SOC 2 Type 2" or "SOC 3".
func (e *Engagement) Label() string {
	if e.Type == "" {
		return string(e.Kind)
	}
	return string(e.Kind) + " " + string(e.Type)
}

// When is the engagement's date or period in words: "as of 2026-06-30"
// for a Type 1, "2026-01-01 to 2026-12-31" for a period.
func (e *Engagement) When() string {
	if e.AsOf != "" {
		return "as of " + e.AsOf
	}
	return e.PeriodStart + " to " + e.PeriodEnd
}

// idPattern is compiled on first use, not at start: its bounded repetition
// makes a large program that every command would otherwise build.
var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`) })

// AddMonths adds n calendar months, clamping to the month's last day
// (January 31 + 1 month = February 28 or 29).
func AddMonths(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	d := t.Day()
	if d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, time.UTC)
}

// ParseDate parses a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "date %q: want YYYY-MM-DD", s)
	}
	return t, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Exclusion records a criterion of an in-scope category that management
// proposes to treat as not relevant, with its reason. It feeds DC8 and is
// always subject to the service auditor's agreement.
type Exclusion struct {
	EngagementID string `json:"engagement"`
	CriterionID  string `json:"criterion"`
	Reason       string `json:"reason"`
	CreatedAt    string `json:"created_at"`
}

// EngagementStore keeps engagements, their controls and exclusions. Every
// write appends a ledger entry in the same transaction.
type EngagementStore interface {
	CreateEngagement(ctx context.Context, ch Change, e *Engagement, controls []Control) error
	Engagement(ctx context.Context, id string) (*Engagement, error)
	Engagements(ctx context.Context) ([]Engagement, error)
	Controls(ctx context.Context, engagementID string) ([]Control, error)
	Control(ctx context.Context, engagementID, controlID string) (*Control, error)
	UpdateControl(ctx context.Context, ch Change, engagementID, controlID string, u ControlUpdate) (*Control, error)
	PutExclusion(ctx context.Context, ch Change, x Exclusion) error
	DeleteExclusion(ctx context.Context, ch Change, engagementID, criterionID string) error
	Exclusions(ctx context.Context, engagementID string) ([]Exclusion, error)
}

// Store is everything the features need from persistence. The sqlite and
// postgres packages implement it; storetest holds the suite both must pass.
type Store interface {
	EngagementStore
	EvidenceStore
	SamplingStore
	CompletenessStore
	TestingStore
	StatementStore
	DisclosureStore
	AccessReviewStore
	PolicyStore
	PeopleStore
	ChecklistStore
	AckStore
	TrainingStore
	PortalStore
	DocumentStore
	UserStore
	TrustStore
	BlobRefStore
	LedgerStore
	JobStore
	SessionStore
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	// SwapSetting stores value under key only if the setting still holds
	// old (nil: only if it is absent), and says whether it did: the
	// compare-and-set that keeps two servers from both taking the same
	// round of a job.
	SwapSetting(ctx context.Context, key string, old *string, value string) (bool, error)
	// RecordSetting stores a setting that governs access (RecordedSettings)
	// with its ledger entry, in one transaction.
	RecordSetting(ctx context.Context, ch Change, key, value string) error
	Close() error
}

// RecordedSettings are the settings that decide who may see or do what:
// each change is a ledger entry (RecordSetting), and attest verify checks
// the stored values against the ledger.
var RecordedSettings = []string{"auditor.grace", "trust.auto_domains", "trust.link_days", "trust.nda_kinds"}

// SettingSaved is the ledger entry of a recorded setting.
type SettingSaved struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}
