package deviation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/period"
)

// Store is what the register reads.
type Store interface {
	period.Records
	period.Settings
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	Tests(ctx context.Context, engagementID, controlID string) ([]attest.Test, error)
	Disclosures(ctx context.Context, engagementID string) ([]attest.Disclosure, error)
}

// Register is the known deviations of one engagement over a span.
type Register struct {
	Engagement string      `json:"engagement"`
	Label      string      `json:"label"`
	From       string      `json:"from"`
	Through    string      `json:"through"`
	Deviations []Deviation `json:"deviations"`
	// Disclosed and Undisclosed count the deviations by whether management
	// recorded its disclosure.
	Disclosed   int `json:"disclosed"`
	Undisclosed int `json:"undisclosed"`
}

// Pending is the register with only the deviations not yet disclosed
// (the counts stay the whole register's).
func (r Register) Pending() *Register {
	keep := []Deviation{}
	for _, x := range r.Deviations {
		if !x.Disclosed() {
			keep = append(keep, x)
		}
	}
	r.Deviations = keep
	return &r
}

// Inputs are what the register reads besides the store.
type Inputs struct {
	// Run is the latest recorded check run, nil when there is none.
	Run *check.Run
	// Description holds the incidents; nil when none are recorded.
	Description Description
	// IssuedEnd is the end of the last issued report's period of the
	// engagement's kind, "" when none is on file.
	IssuedEnd string
	// More are sources beyond the built-in ones.
	More []Source
}

// Sources are the register's sources: occurrences, checks, management's
// internal tests, incidents and, when s keeps policies, their reviews;
// then in.More.
func Sources(s Store, in Inputs) []Source {
	out := []Source{Occurrences(s), Checks(in.Run), InternalTests(s), Incidents(in.Description)}
	if pr, ok := s.(period.PolicyRecords); ok {
		out = append(out, PolicyReviews(pr))
	}
	return append(out, in.More...)
}

// Load reads engagement e's register over span, with each deviation's
// disclosure and the documents it feeds.
func Load(ctx context.Context, s Store, e *attest.Engagement, span Span, in Inputs) (*Register, error) {
	ctls, err := s.Controls(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	ds, err := Find(ctx, Query{Engagement: e, Controls: ctls, Span: span}, Sources(s, in)...)
	if err != nil {
		return nil, err
	}
	disc, err := s.Disclosures(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	Annotate(ds, e, disc, in.IssuedEnd)
	r := &Register{Engagement: e.ID, Label: e.Label(), From: span.After.AddDate(0, 0, 1).Format(time.DateOnly), Through: span.Through.Format(time.DateOnly), Deviations: ds}
	if r.Deviations == nil {
		r.Deviations = []Deviation{}
	}
	for _, d := range ds {
		if d.Disclosed() {
			r.Disclosed++
		} else {
			r.Undisclosed++
		}
	}
	return r, nil
}

// Find returns the deviation with identifier id, or ENOTFOUND.
func (r *Register) Find(id string) (*Deviation, error) {
	for i := range r.Deviations {
		if r.Deviations[i].ID == id {
			return &r.Deviations[i], nil
		}
	}
	return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no known deviation %q in %s's register (%s to %s)", id, r.Engagement, r.From, r.Through)}
}

// UndisclosedByControl lists the deviations not yet disclosed, by control.
func (r *Register) UndisclosedByControl() map[string][]Deviation {
	out := map[string][]Deviation{}
	for _, d := range r.Deviations {
		if d.Disclosed() {
			continue
		}
		ctls := d.Controls
		if len(ctls) == 0 && d.Control != "" {
			ctls = []string{d.Control}
		}
		for _, c := range ctls {
			out[c] = append(out[c], d)
		}
	}
	return out
}

// DiscloseRequest is management's statement that it told the service
// auditor of deviations: which (by identifier), to whom, on which day.
type DiscloseRequest struct {
	IDs  []string `json:"ids"`
	To   string   `json:"to"`
	On   string   `json:"on"` // YYYY-MM-DD; empty means today
	Note string   `json:"note"`
}

// DiscloseStore records disclosures and names the engagement's auditors.
type DiscloseStore interface {
	AddDisclosures(ctx context.Context, ch attest.Change, ds []attest.Disclosure) ([]attest.Disclosure, error)
	Auditors(ctx context.Context, engagementID string) ([]attest.Auditor, error)
}

// Disclose records, for management only (the local operator, an admin or
// a compliance manager), that the deviations named were disclosed to the
// service auditor: each must be in the register and not yet disclosed;
// To defaults to the engagement's one named auditor; On may not be in the
// future nor before the deviation's own date. All are recorded, each with
// its ledger entry, or none.
func Disclose(ctx context.Context, s DiscloseStore, ch attest.Change, actor *attest.User, r *Register, req DiscloseRequest) ([]attest.Disclosure, error) {
	if actor != nil && actor.Role != attest.RoleAdmin && actor.Role != attest.RoleCompliance {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only management (an admin or a compliance manager) records what it disclosed to the service auditor"}
	}
	if len(req.IDs) == 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "name the deviations disclosed, by identifier"}
	}
	var out []attest.Disclosure
	seen, ids := map[string]bool{}, map[string]string{}
	for _, id := range req.IDs {
		id = strings.TrimSpace(id)
		if seen[id] {
			continue
		}
		seen[id] = true
		d, err := r.Find(id)
		if err != nil {
			return nil, err
		}
		if d.Disclosed() {
			return nil, attest.Errorf(attest.ECONFLICT, "%s was already disclosed to %s on %s", id, d.Disclosure.To, d.Disclosure.On)
		}
		ids[id] = d.Date
		out = append(out, attest.Disclosure{EngagementID: r.Engagement, Deviation: id, Summary: Summary(*d), Note: strings.TrimSpace(req.Note)})
	}
	to, err := recipient(ctx, s, r.Engagement, req.To)
	if err != nil {
		return nil, err
	}
	today := ch.At.UTC().Format(time.DateOnly)
	on := strings.TrimSpace(req.On)
	if on == "" {
		on = today
	}
	if _, err := attest.ParseDate(on); err != nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("on: %q is not a date (YYYY-MM-DD)", req.On)}
	}
	if on > today {
		return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("on: %s is after today (%s): record a disclosure once it is made", on, today)}
	}
	for i := range out {
		if out[i].On = on; on < ids[out[i].Deviation] {
			return nil, attest.Errorf(attest.EINVALID, "on: %s is before the deviation %s itself (%s)", on, out[i].Deviation, ids[out[i].Deviation])
		}
		out[i].To = to
	}
	return s.AddDisclosures(ctx, ch, out)
}

// recipient is who was told: as given, or the engagement's one auditor.
func recipient(ctx context.Context, s DiscloseStore, engagementID, to string) (string, error) {
	if to = strings.TrimSpace(to); to != "" {
		if len(to) > 200 {
			return "", attest.Errorf(attest.EINVALID, "to: at most 200 characters")
		}
		return to, nil
	}
	as, err := s.Auditors(ctx, engagementID)
	if err != nil {
		return "", err
	}
	if len(as) == 1 {
		return as[0].Name, nil
	}
	var names []string
	for _, a := range as {
		names = append(names, a.Name)
	}
	slices.Sort(names)
	hint := "name the person at the service auditor who was told"
	if len(names) > 0 {
		hint += ": the engagement's auditors are " + strings.Join(names, ", ")
	}
	return "", &attest.Error{Code: attest.EINVALID, Message: "to: say who at the service auditor was told", Hint: hint}
}

// Summary is a deviation in one line, as disclosed.
func Summary(d Deviation) string {
	s := d.Text
	if d.Control != "" && d.Kind != FailingCheck {
		s = d.Control + ": " + s
	}
	return s
}
