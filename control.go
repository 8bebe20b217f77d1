package attest

import (
	"strconv"
	"strings"
)

// Frequency is how often a control operates.
type Frequency string

// The frequencies a control may have (DOMAIN.md section 3).
const (
	Continuous    Frequency = "continuous"
	MultipleDaily Frequency = "multiple-daily"
	Daily         Frequency = "daily"
	Weekly        Frequency = "weekly"
	BiWeekly      Frequency = "bi-weekly"
	SemiMonthly   Frequency = "semi-monthly"
	Monthly       Frequency = "monthly"
	Quarterly     Frequency = "quarterly"
	SemiAnnual    Frequency = "semi-annual"
	Annual        Frequency = "annual"
	EventDriven   Frequency = "event-driven"
)

// Frequencies lists every frequency, most frequent first.
var Frequencies = []Frequency{Continuous, MultipleDaily, Daily, Weekly, BiWeekly, SemiMonthly, Monthly, Quarterly, SemiAnnual, Annual, EventDriven}

// ParseFrequency accepts a frequency name with hyphens, spaces or underscores.
func ParseFrequency(s string) (Frequency, error) {
	n := strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch n {
	case "biweekly":
		n = "bi-weekly"
	case "semimonthly":
		n = "semi-monthly"
	case "semiannual", "semi-annually", "half-yearly":
		n = "semi-annual"
	case "yearly", "annually":
		n = "annual"
	case "event", "per-event", "eventdriven":
		n = "event-driven"
	case "multiple-times-a-day", "multipledaily":
		n = "multiple-daily"
	}
	for _, f := range Frequencies {
		if string(f) == n {
			return f, nil
		}
	}
	return "", Errorf(EINVALID, "unknown frequency %q: want one of %s", s, joinFreq())
}

func joinFreq() string {
	s := make([]string, len(Frequencies))
	for i, f := range Frequencies {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// WindowName is the noun for one occurrence window of f, as used in due rules.
func (f Frequency) WindowName() string {
	switch f {
	case Continuous, MultipleDaily, Daily:
		return "day"
	case Weekly:
		return "week"
	case BiWeekly:
		return "two-week period"
	case SemiMonthly:
		return "half-month"
	case Monthly:
		return "month"
	case Quarterly:
		return "quarter"
	case SemiAnnual:
		return "half-year"
	case Annual:
		return "year"
	case EventDriven:
		return "event"
	}
	return "period"
}

// DueRule renders a due rule in words, e.g. "within 30 days after quarter end".
func DueRule(f Frequency, dueDays int) string {
	if f == EventDriven {
		switch dueDays {
		case 0:
			return "on the day of the event"
		case 1:
			return "within 1 day after the event"
		}
		return "within " + strconv.Itoa(dueDays) + " days after the event"
	}
	w := f.WindowName()
	switch dueDays {
	case 0:
		return "by the end of the " + w
	case 1:
		return "within 1 day after " + w + " end"
	}
	return "within " + strconv.Itoa(dueDays) + " days after " + w + " end"
}

// ControlType says whether a control prevents, detects or corrects.
type ControlType string

// Control types.
const (
	Preventive ControlType = "preventive"
	Detective  ControlType = "detective"
	Corrective ControlType = "corrective"
)

// Nature says how a control is performed; it drives how it is tested.
type Nature string

// Control natures.
const (
	Manual            Nature = "manual"
	Automated         Nature = "automated"
	ITDependentManual Nature = "it-dependent-manual"
)

// Status is a control's implementation status in an engagement.
type Status string

// Control statuses.
const (
	NotStarted    Status = "not-started"
	InProgress    Status = "in-progress"
	Implemented   Status = "implemented"
	NotApplicable Status = "not-applicable"
)

// Statuses lists every status.
var Statuses = []Status{NotStarted, InProgress, Implemented, NotApplicable}

// ParseStatus accepts "not started", "not_started", "Not-Started", ...
func ParseStatus(s string) (Status, error) {
	n := strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(strings.TrimSpace(s)))
	if n == "na" || n == "n/a" {
		n = string(NotApplicable)
	}
	for _, st := range Statuses {
		if string(st) == n {
			return st, nil
		}
	}
	return "", Errorf(EINVALID, "unknown status %q: want not-started, in-progress, implemented or not-applicable", s)
}

// Control is a control as instantiated in an engagement: library defaults
// the organization may have changed.
type Control struct {
	EngagementID string      `json:"engagement"`
	ID           string      `json:"id"`
	Title        string      `json:"title"`
	Description  string      `json:"description"`
	Type         ControlType `json:"type"`
	Nature       Nature      `json:"nature"`
	Frequency    Frequency   `json:"frequency"`
	DueDays      int         `json:"due_days"`
	Owner        string      `json:"owner"`
	// OwnerID is the owner's account: who may edit the control as its
	// owner is decided by it, never by the name. 0 when the owner has no
	// account (or is not linked yet).
	OwnerID      int64    `json:"owner_id,omitempty"`
	OwnerRole    string   `json:"owner_role"`
	Status       Status   `json:"status"`
	StatusReason string   `json:"status_reason,omitempty"`
	Criteria     []string `json:"criteria"`
	Objectives   []string `json:"objectives"`
	UpdatedAt    string   `json:"updated_at"`
}

// ControlUpdate holds the fields of a control a user may change; nil means
// unchanged.
type ControlUpdate struct {
	Owner        *string
	OwnerID      *int64
	Frequency    *Frequency
	DueDays      *int
	Status       *Status
	StatusReason *string
	Description  *string
}

// ApplyControlUpdate applies u to c, enforcing the rules every store shares:
// "not applicable" needs a reason, and a frequency must be known.
func ApplyControlUpdate(c *Control, u ControlUpdate) error {
	if u.Owner != nil {
		c.Owner = strings.TrimSpace(*u.Owner)
		c.OwnerID = 0
	}
	if u.OwnerID != nil {
		c.OwnerID = *u.OwnerID
	}
	if u.Frequency != nil {
		f, err := ParseFrequency(string(*u.Frequency))
		if err != nil {
			return err
		}
		c.Frequency = f
	}
	if u.DueDays != nil {
		if *u.DueDays < 0 || *u.DueDays > 366 {
			return Errorf(EINVALID, "due days %d: want 0 to 366", *u.DueDays)
		}
		c.DueDays = *u.DueDays
	}
	if u.Description != nil {
		if strings.TrimSpace(*u.Description) == "" {
			return Errorf(EINVALID, "a control's description cannot be empty")
		}
		c.Description = strings.TrimSpace(*u.Description)
	}
	if u.StatusReason != nil {
		c.StatusReason = strings.TrimSpace(*u.StatusReason)
	}
	if u.Status != nil {
		c.Status = *u.Status
		if u.StatusReason == nil && c.Status != NotApplicable {
			c.StatusReason = ""
		}
	}
	if c.Status == NotApplicable && c.StatusReason == "" {
		return Errorf(EINVALID, "control %s: \"not applicable\" needs a reason", c.ID)
	}
	return nil
}

// EngagementCreated is the ledger entry data for a new engagement.
type EngagementCreated struct {
	Engagement *Engagement `json:"engagement"`
	Controls   []Control   `json:"controls"`
}

// ControlUpdated is the ledger entry data for a changed control: its whole
// state after the change.
type ControlUpdated struct {
	Control *Control `json:"control"`
}

// ExclusionDeleted is the ledger entry data for a withdrawn exclusion.
type ExclusionDeleted struct {
	EngagementID string `json:"engagement"`
	CriterionID  string `json:"criterion"`
}

// EvidenceRetracted is the ledger entry data for a retraction.
type EvidenceRetracted struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// EvidencePurged is the ledger entry data for a retention purge.
type EvidencePurged struct {
	ID  int64  `json:"id"`
	Ref string `json:"ref"`
}

// EventsImported is the ledger entry data for events added to a control's
// population.
type EventsImported struct {
	ControlID string  `json:"control"`
	Events    []Event `json:"events"`
}

// ControlIDs is the set of the controls' IDs.
func ControlIDs(ctls []Control) map[string]bool {
	ids := make(map[string]bool, len(ctls))
	for _, c := range ctls {
		ids[c.ID] = true
	}
	return ids
}
