package accessreview

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// DefaultDays is how long reviewers have when no due date is given.
const DefaultDays = 30

// Digest is the SHA-256 of rows, each as one line of JSON: what a bulk
// act's single ledger entry names, so the rows it wrote can be checked
// against it (attest.RowsDigest).
func Digest[T any](rows []T) string { return attest.RowsDigest(rows) }

// StartRequest is a campaign to start.
type StartRequest struct {
	System string `json:"system"`
	// Due is the day reviewers must be done by (YYYY-MM-DD); empty means
	// DefaultDays from today.
	Due      string    `json:"due"`
	Accounts []Account `json:"accounts"`
	// Listing is the provenance; Completeness, when the caller checked
	// more than Attest can (a count reconciled to the system's console),
	// is added to what Attest states itself.
	Listing attest.Listing `json:"listing"`
	// Roster, when given, flags accounts of people not on it or no longer
	// employed, and names each person's manager.
	Roster Roster `json:"-"`
}

// StartStore is what Start needs.
type StartStore interface {
	StartCampaign(ctx context.Context, ch attest.Change, c attest.Campaign, items []attest.ReviewItem) (*attest.Campaign, error)
}

func forbidden(what string) error {
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "only management (an admin or a compliance manager) " + what}
}

// Start begins a campaign over a system's listing, for management only.
// The accounts are ordered privileged first, then by account, and each
// is flagged against the roster when one is given. One transaction, one
// ledger entry naming the SHA-256 of the rows.
func Start(ctx context.Context, s StartStore, ch attest.Change, actor *attest.User, req StartRequest) (*attest.Campaign, []attest.ReviewItem, error) {
	if !attest.Manages(actor) {
		return nil, nil, forbidden("starts access reviews")
	}
	req.System = strings.TrimSpace(req.System)
	if req.System == "" {
		return nil, nil, attest.Errorf(attest.EINVALID, "system: name the system under review")
	}
	if len(req.Accounts) == 0 {
		return nil, nil, attest.Errorf(attest.EINVALID, "the listing holds no accounts of %s: a review needs at least one", req.System)
	}
	today := ch.At.UTC().Format(time.DateOnly)
	due, err := dueDate(req.Due, ch.At)
	if err != nil {
		return nil, nil, err
	}
	if req.Listing.Source == "" || req.Listing.ExtractedAt == "" {
		return nil, nil, attest.Errorf(attest.EINVALID, "the listing's provenance needs its source and when it was extracted")
	}
	items, err := itemsOf(req.Accounts, req.Roster, today)
	if err != nil {
		return nil, nil, err
	}
	l := req.Listing
	auto := fmt.Sprintf("%d accounts read, none unreadable, none listed twice", len(items))
	if l.LeftOut > 0 {
		auto += fmt.Sprintf("; %d rows of other systems left out", l.LeftOut)
	}
	if l.Completeness = strings.TrimSpace(strings.TrimSpace(l.Completeness) + "; " + auto); strings.HasPrefix(l.Completeness, ";") {
		l.Completeness = auto
	}
	if req.Roster != nil && l.Roster == "" {
		l.Roster = "roster given"
	}
	l.Digest = Digest(items)
	c, err := s.StartCampaign(ctx, ch, attest.Campaign{System: req.System, Due: due, Listing: l}, items)
	if err != nil {
		return nil, nil, err
	}
	return c, items, nil
}

func dueDate(s string, now time.Time) (string, error) {
	today := now.UTC().Format(time.DateOnly)
	if s = strings.TrimSpace(s); s == "" {
		return now.UTC().AddDate(0, 0, DefaultDays).Format(time.DateOnly), nil
	}
	if _, err := attest.ParseDate(s); err != nil {
		return "", attest.Errorf(attest.EINVALID, "due: %q is not a date (YYYY-MM-DD)", s)
	}
	if s < today {
		return "", attest.Errorf(attest.EINVALID, "due: %s is before today (%s)", s, today)
	}
	return s, nil
}

// itemsOf orders the accounts privileged first and flags them against
// the roster.
func itemsOf(accts []Account, roster Roster, today string) ([]attest.ReviewItem, error) {
	accts = slices.Clone(accts)
	slices.SortStableFunc(accts, func(a, b Account) int {
		if a.Privileged != b.Privileged {
			if a.Privileged {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Account, b.Account)
	})
	items := make([]attest.ReviewItem, len(accts))
	seen := make(map[string]bool, len(accts))
	for i, a := range accts {
		if a.Account == "" {
			return nil, attest.Errorf(attest.EINVALID, "an account of the listing has no identifier")
		}
		if seen[a.Account] {
			return nil, attest.Errorf(attest.EINVALID, "account %q is listed twice", a.Account)
		}
		seen[a.Account] = true
		it := attest.ReviewItem{Seq: i + 1, Account: a.Account, Person: a.Person, Name: a.Name,
			Roles: attest.OrEmpty(a.Roles), Entitlements: attest.OrEmpty(a.Entitlements), Privileged: a.Privileged, Flags: []string{}}
		if roster != nil {
			p, ok := roster[a.Person]
			switch {
			case !ok:
				it.Flags = append(it.Flags, attest.FlagNotOnRoster)
			case !p.Employed(today):
				it.Flags = append(it.Flags, attest.FlagLeft)
			}
			if ok {
				it.Manager = p.Manager
				if it.Name == "" {
					it.Name = p.Name
				}
			}
		}
		items[i] = it
	}
	return items, nil
}
