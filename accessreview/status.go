package accessreview

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/engagement"
)

// Status is a campaign's progress and what still blocks its completion.
type Status struct {
	Campaign  attest.Campaign          `json:"campaign"`
	Reviewers []attest.ReviewerSummary `json:"reviewers"`
	Signoffs  []attest.Signoff         `json:"signoffs"`
	Decided   int                      `json:"decided"`
	Revokes   int                      `json:"revokes"`
	Open      int                      `json:"open_revokes"`
	Flagged   int                      `json:"flagged"`
	Overdue   bool                     `json:"overdue"`
	// Blockers say what stands between the campaign and its completion.
	Blockers []string `json:"blockers"`
}

// StatusStore is what LoadStatus reads.
type StatusStore interface {
	Campaign(ctx context.Context, id int64) (*attest.Campaign, error)
	ReviewSummary(ctx context.Context, campaign int64) ([]attest.ReviewerSummary, error)
	Signoffs(ctx context.Context, campaign int64) ([]attest.Signoff, error)
}

// LoadStatus reads a campaign's status as of now, counted by the store
// (one grouped query, not the items one by one).
func LoadStatus(ctx context.Context, s StatusStore, campaign int64, now time.Time) (*Status, error) {
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return nil, err
	}
	sum, err := s.ReviewSummary(ctx, campaign)
	if err != nil {
		return nil, err
	}
	so, err := s.Signoffs(ctx, campaign)
	if err != nil {
		return nil, err
	}
	return status(*c, sum, so, now), nil
}

// status is the rule: unassigned accounts, undecided ones, reviewers not
// signed off and revokes not shown done each block completion.
func status(c attest.Campaign, sum []attest.ReviewerSummary, so []attest.Signoff, now time.Time) *Status {
	st := &Status{Campaign: c, Reviewers: sum, Signoffs: so, Blockers: []string{}}
	signed := map[int64]bool{}
	for _, s := range so {
		signed[s.ReviewerID] = true
	}
	for _, r := range sum {
		st.Decided += r.Decided
		st.Revokes += r.Revoke
		st.Open += r.OpenRevokes
		st.Flagged += r.Flagged
		switch {
		case r.ReviewerID == 0:
			st.Blockers = append(st.Blockers, fmt.Sprintf("%d accounts have no reviewer", r.Items))
		case r.Decided < r.Items:
			st.Blockers = append(st.Blockers, fmt.Sprintf("%s has %d of %d accounts to decide", r.Reviewer, r.Items-r.Decided, r.Items))
		case !signed[r.ReviewerID]:
			st.Blockers = append(st.Blockers, r.Reviewer+" has not signed off")
		}
	}
	if st.Open > 0 {
		st.Blockers = append(st.Blockers, fmt.Sprintf("%d revokes are not yet shown done (by a later listing without the account, or a linked ticket)", st.Open))
	}
	st.Overdue = c.Status == attest.CampaignOpen && now.UTC().Format(time.DateOnly) > c.Due
	if c.Status != attest.CampaignOpen {
		st.Blockers = []string{}
	}
	return st
}

// FollowUpStore is what the follow-up of revokes needs.
type FollowUpStore interface {
	Campaign(ctx context.Context, id int64) (*attest.Campaign, error)
	ReviewKeys(ctx context.Context, campaign int64) ([]attest.ReviewItem, error)
	ResolveRevokes(ctx context.Context, ch attest.Change, campaign int64, rs []attest.Resolution, digest string) error
}

// FollowUp is the revokes a later listing closed, and those still open.
type FollowUp struct {
	Closed []string `json:"closed"`
	Open   []string `json:"open"`
}

// Confirm reads a later listing of the campaign's system, taken after the
// campaign started: every open revoke whose account it no longer holds is
// closed, naming that listing. Management only; one ledger entry.
func Confirm(ctx context.Context, s FollowUpStore, ch attest.Change, actor *attest.User, campaign int64, later attest.Listing, accts []Account) (*FollowUp, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("records the follow-up of revokes")
	}
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return nil, err
	}
	if before(later.ExtractedAt, c.CreatedAt) {
		return nil, attest.Errorf(attest.EINVALID, "the listing was extracted %s, before access review %d started (%s): only a later listing shows a revoke done", orNone(later.ExtractedAt), campaign, c.CreatedAt)
	}
	items, err := s.ReviewKeys(ctx, campaign)
	if err != nil {
		return nil, err
	}
	still := make(map[string]bool, len(accts))
	for _, a := range accts {
		still[a.Account] = true
	}
	fu := &FollowUp{Closed: []string{}, Open: []string{}}
	var rs []attest.Resolution
	for _, it := range items {
		if !it.OpenRevoke() {
			continue
		}
		if still[it.Account] {
			fu.Open = append(fu.Open, it.Account)
			continue
		}
		rs = append(rs, attest.Resolution{Seq: it.Seq, Removed: fmt.Sprintf("%s, extracted %s", later.Source, later.ExtractedAt)})
		fu.Closed = append(fu.Closed, it.Account)
	}
	if len(rs) > 0 {
		if err := s.ResolveRevokes(ctx, ch, campaign, rs, Digest(rs)); err != nil {
			return nil, err
		}
	}
	return fu, nil
}

// before reports whether a listing extracted at (a date, or an RFC 3339
// time) precedes the campaign's start; a date counts as the whole day.
func before(at, started string) bool {
	if at == "" {
		return true
	}
	if len(at) == len(time.DateOnly) {
		return at < started[:min(len(started), len(time.DateOnly))]
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	s, err2 := time.Parse(time.RFC3339Nano, started)
	return err != nil || err2 != nil || t.Before(s)
}

// LinkTicket closes one open revoke by the ticket that carries it out.
func LinkTicket(ctx context.Context, s FollowUpStore, ch attest.Change, actor *attest.User, campaign int64, account, ticket string) error {
	if !attest.Manages(actor) {
		return forbidden("links tickets to revokes")
	}
	if ticket = strings.TrimSpace(ticket); ticket == "" || len(ticket) > 500 {
		return attest.Errorf(attest.EINVALID, "ticket: name the ticket (an ID or a link, at most 500 characters)")
	}
	items, err := s.ReviewKeys(ctx, campaign)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Account != account {
			continue
		}
		if !it.OpenRevoke() {
			return attest.Errorf(attest.ECONFLICT, "account %q is not an open revoke", account)
		}
		rs := []attest.Resolution{{Seq: it.Seq, Ticket: ticket}}
		return s.ResolveRevokes(ctx, ch, campaign, rs, Digest(rs))
	}
	return attest.Errorf(attest.ENOTFOUND, "access review %d has no account %q", campaign, account)
}

// CompleteStore is what Complete needs.
type CompleteStore interface {
	StatusStore
	engagement.Directory
	ReviewItems(ctx context.Context, campaign int64) ([]attest.ReviewItem, error)
	CompleteCampaign(ctx context.Context, ch attest.Change, done attest.ReviewCompletion, evidence []attest.Evidence) (*attest.Campaign, error)
}

// Blobs is where the decisions' file is kept.
type Blobs interface {
	Put(r io.Reader) (blob.Ref, int64, error)
}

// Complete closes a campaign that nothing blocks, for management only.
// With controls named (each one some engagement holds), the decisions (as CSV) become evidence for them,
// dated today, and the campaign names that evidence. The evidence, the
// completion and their entries are one transaction; the completion's
// entry names the SHA-256 of the items as completed.
func Complete(ctx context.Context, s CompleteStore, blobs Blobs, ch attest.Change, actor *attest.User, campaign int64, controls []string) (*attest.Campaign, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("completes access reviews")
	}
	// The controls the decisions become evidence for must exist, named
	// as stored, whichever adapter names them.
	controls = slices.Clone(controls)
	for i, c := range controls {
		var err error
		if controls[i], err = engagement.KnownControl(ctx, s, c); err != nil {
			return nil, err
		}
	}
	st, err := LoadStatus(ctx, s, campaign, ch.At)
	if err != nil {
		return nil, err
	}
	if st.Campaign.Status != attest.CampaignOpen {
		return nil, attest.Errorf(attest.ECONFLICT, "access review %d is already %s", campaign, st.Campaign.Status)
	}
	if len(st.Blockers) > 0 {
		return nil, attest.Errorf(attest.ECONFLICT, "access review %d cannot be completed yet: %s", campaign, strings.Join(st.Blockers, "; "))
	}
	items, err := s.ReviewItems(ctx, campaign)
	if err != nil {
		return nil, err
	}
	done := attest.ReviewCompletion{Campaign: campaign, Rows: len(items), Digest: attest.ItemsDigest(items)}
	var evidence []attest.Evidence
	if len(controls) > 0 {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, &st.Campaign, items); err != nil {
			return nil, err
		}
		ref, size, err := blobs.Put(&buf)
		if err != nil {
			return nil, fmt.Errorf("store the decisions: %w", err)
		}
		l := st.Campaign.Listing
		evidence = []attest.Evidence{{Ref: string(ref), Size: size, MediaType: "text/csv", Controls: controls,
			Name:   fmt.Sprintf("access-review-%d-%s.csv", campaign, slug(st.Campaign.System)),
			Date:   ch.At.UTC().Format(time.DateOnly),
			Method: attest.MethodUpload, Source: fmt.Sprintf("access review %d", campaign),
			Note: fmt.Sprintf("Access review of %s: %d accounts, %d revoked; listing %s extracted %s, rows SHA-256 %s; completeness: %s",
				st.Campaign.System, st.Campaign.Accounts, st.Revokes, l.Source, l.ExtractedAt, l.Digest, l.Completeness)}}
	}
	return s.CompleteCampaign(ctx, ch, done, evidence)
}

func slug(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return '-'
	}, s), "-")
}
