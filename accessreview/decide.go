package accessreview

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
)

// DecisionInput is one decision as a reviewer gives it; File and Line,
// when set, say where it was read, for error messages.
type DecisionInput struct {
	Account  string `json:"account"`
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
	File     string `json:"-"`
	Line     int    `json:"-"`
}

func (d DecisionInput) fail(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if d.Line > 0 {
		return lineErr(d.File, d.Line, field, "%s", msg)
	}
	return attest.Errorf(attest.EINVALID, "%s: %s", field, msg)
}

// ReadDecisions reads a reviewer's batch from CSV with the columns
// account, decision and reason (header required, any order).
func ReadDecisions(file string, r io.Reader) ([]DecisionInput, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, lineErr(file, 1, "", "want a header row naming account, decision, reason: %v", csvErr(err))
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"account", "decision"} {
		if _, ok := col[need]; !ok {
			return nil, lineErr(file, 1, need, "the header has no %s column", need)
		}
	}
	var out []DecisionInput
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, lineErr(file, line, "", "%v", csvErr(err))
		}
		line, _ := cr.FieldPos(0)
		get := func(n string) string {
			if i, ok := col[n]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		out = append(out, DecisionInput{Account: get("account"), Decision: get("decision"), Reason: get("reason"), File: file, Line: line})
	}
}

// DecideStore is what Decide needs.
type DecideStore interface {
	Campaign(ctx context.Context, id int64) (*attest.Campaign, error)
	ReviewKeys(ctx context.Context, campaign int64) ([]attest.ReviewItem, error)
	RecordDecisions(ctx context.Context, ch attest.Change, campaign, reviewer int64, ds []attest.Decision, digest string) error
}

// Decide records a reviewer's batch of decisions: keep, change or revoke,
// with a reason for change and revoke, each on an account assigned to
// that reviewer and not held by them. A signed-in account decides as
// itself; the CLI's local operator (nil) records the decisions of the
// reviewer it names. All or none, one ledger entry.
func Decide(ctx context.Context, s DecideStore, ch attest.Change, actor, reviewer *attest.User, campaign int64, ds []DecisionInput) (int, error) {
	if !attest.Staff(actor) {
		return 0, attest.Errorf(attest.EFORBIDDEN, "access reviews are decided by the organization's staff")
	}
	if actor != nil {
		if reviewer != nil && reviewer.ID != actor.ID {
			return 0, attest.Errorf(attest.EFORBIDDEN, "you decide only the accounts assigned to you, not %s's", reviewer.Email)
		}
		reviewer = actor
	}
	if reviewer == nil {
		return 0, &attest.Error{Code: attest.EINVALID, Message: "name the reviewer whose decisions these are", Hint: "the reviewer, by e-mail address"}
	}
	if reviewer.Role == attest.RoleAuditor {
		return 0, attest.Errorf(attest.EFORBIDDEN, "the service auditor does not decide the organization's access reviews")
	}
	if reviewer.Service {
		return 0, attest.Errorf(attest.EFORBIDDEN, "%s is a service account: only a person decides an access review", reviewer.Email)
	}
	if len(ds) == 0 {
		return 0, attest.Errorf(attest.EINVALID, "no decisions given")
	}
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return 0, err
	}
	if c.Status != attest.CampaignOpen {
		return 0, attest.Errorf(attest.ECONFLICT, "access review %d is %s: its decisions stand", campaign, c.Status)
	}
	items, err := s.ReviewKeys(ctx, campaign)
	if err != nil {
		return 0, err
	}
	by := make(map[string]*attest.ReviewItem, len(items))
	for i := range items {
		by[items[i].Account] = &items[i]
	}
	out := make([]attest.Decision, 0, len(ds))
	seen := map[string]bool{}
	for _, d := range ds {
		dec, err := check(d, by, reviewer, campaign)
		if err != nil {
			return 0, err
		}
		if seen[d.Account] {
			return 0, d.fail("account", "%q is decided twice in this batch", d.Account)
		}
		seen[d.Account] = true
		out = append(out, dec)
	}
	// In seq order: the digest is then the one attest verify recomputes
	// from the rows the entry decided.
	slices.SortFunc(out, func(a, b attest.Decision) int { return a.Seq - b.Seq })
	if err := s.RecordDecisions(ctx, ch, campaign, reviewer.ID, out, Digest(out)); err != nil {
		return 0, err
	}
	return len(out), nil
}

// check applies the decision rules to one input.
func check(d DecisionInput, by map[string]*attest.ReviewItem, reviewer *attest.User, campaign int64) (attest.Decision, error) {
	d.Account = strings.TrimSpace(d.Account)
	it, ok := by[d.Account]
	if !ok {
		return attest.Decision{}, d.fail("account", "access review %d has no account %q", campaign, d.Account)
	}
	dec := strings.ToLower(strings.TrimSpace(d.Decision))
	switch dec {
	case attest.DecisionKeep, attest.DecisionChange, attest.DecisionRevoke:
	default:
		return attest.Decision{}, d.fail("decision", "%q is not keep, change or revoke", d.Decision)
	}
	reason := strings.TrimSpace(d.Reason)
	if reason == "" && dec != attest.DecisionKeep {
		return attest.Decision{}, d.fail("reason", "a decision to %s needs its reason", dec)
	}
	if len(reason) > 1000 {
		return attest.Decision{}, d.fail("reason", "at most 1000 characters")
	}
	if it.ReviewerID != reviewer.ID {
		if it.ReviewerID == 0 {
			return attest.Decision{}, &attest.Error{Code: attest.EFORBIDDEN, Message: fmt.Sprintf("account %q has no reviewer yet", d.Account), Hint: "assign it first (attest review assign)"}
		}
		return attest.Decision{}, attest.Errorf(attest.EFORBIDDEN, "account %q is assigned to %s, not to %s", d.Account, it.Reviewer, reviewer.Email)
	}
	if ownAccess(reviewer, *it) {
		return attest.Decision{}, attest.Errorf(attest.EFORBIDDEN, "account %q is %s's own: nobody reviews their own access", d.Account, reviewer.Email)
	}
	if it.Ticket != "" || it.Removed != "" {
		return attest.Decision{}, attest.Errorf(attest.ECONFLICT, "account %q was revoked and its removal confirmed: the decision stands", d.Account)
	}
	return attest.Decision{Seq: it.Seq, Decision: dec, Reason: reason}, nil
}

// SignoffStore is what SignOff needs.
type SignoffStore interface {
	Campaign(ctx context.Context, id int64) (*attest.Campaign, error)
	ReviewSummary(ctx context.Context, campaign int64) ([]attest.ReviewerSummary, error)
	SignOff(ctx context.Context, ch attest.Change, s attest.Signoff) (*attest.Signoff, error)
}

// SignOff records that a reviewer finished their part: every account
// assigned to them decided. The same who-acts rule as Decide.
func SignOff(ctx context.Context, s SignoffStore, ch attest.Change, actor, reviewer *attest.User, campaign int64, note string) (*attest.Signoff, error) {
	if !attest.Staff(actor) {
		return nil, attest.Errorf(attest.EFORBIDDEN, "access reviews are signed off by the organization's staff")
	}
	if actor != nil {
		if reviewer != nil && reviewer.ID != actor.ID {
			return nil, attest.Errorf(attest.EFORBIDDEN, "you sign off only your own part, not %s's", reviewer.Email)
		}
		reviewer = actor
	}
	if reviewer == nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "name the reviewer who signs off", Hint: "--reviewer EMAIL"}
	}
	if reviewer.Service || reviewer.Role == attest.RoleAuditor {
		return nil, attest.Errorf(attest.EFORBIDDEN, "%s does not sign off access reviews: only a person of the organization reviews access", reviewer.Email)
	}
	sum, err := s.ReviewSummary(ctx, campaign)
	if err != nil {
		return nil, err
	}
	if _, err := s.Campaign(ctx, campaign); err != nil {
		return nil, err
	}
	for _, r := range sum {
		if r.ReviewerID != reviewer.ID {
			continue
		}
		if r.Decided < r.Items {
			return nil, attest.Errorf(attest.EINVALID, "%s has %d of %d accounts still to decide in access review %d", reviewer.Email, r.Items-r.Decided, r.Items, campaign)
		}
		return s.SignOff(ctx, ch, attest.Signoff{Campaign: campaign, ReviewerID: reviewer.ID, Reviewer: reviewer.Email, Note: strings.TrimSpace(note)})
	}
	return nil, attest.Errorf(attest.EFORBIDDEN, "%s has no accounts to review in access review %d: a reviewer signs off only their own part", reviewer.Email, campaign)
}
