package policy_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/policy"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

func pub(v int, at string) attest.PolicyEvent {
	return attest.PolicyEvent{PolicyID: "p", Version: v, Action: attest.PolicyPublish, At: at}
}

func approve(v int, at string) attest.PolicyEvent {
	return attest.PolicyEvent{PolicyID: "p", Version: v, Action: attest.PolicyApproval, At: at}
}

// The next review as the program's pages show it, from the one review
// rule: one interval after the review before it.
func TestNextReview(t *testing.T) {
	now := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		review      attest.Frequency
		events      []attest.PolicyEvent
		due, status string
	}{
		{"a year after publication", attest.Annual, []attest.PolicyEvent{pub(1, "2025-09-01T10:00:00Z")}, "2026-09-01", ""},
		{"due within 30 days", attest.Annual, []attest.PolicyEvent{pub(1, "2025-07-05T10:00:00Z")}, "2026-07-05", policy.ReviewDue},
		{"a day late", attest.Annual, []attest.PolicyEvent{pub(1, "2025-06-09T10:00:00Z")}, "2026-06-09", policy.ReviewOverdue},
		{"due today is not yet late", attest.Annual, []attest.PolicyEvent{pub(1, "2025-06-10T23:00:00Z")}, "2026-06-10", policy.ReviewDue},
		{"quarterly, missed", attest.Quarterly, []attest.PolicyEvent{pub(1, "2026-01-15T10:00:00Z")}, "2026-04-15", policy.ReviewOverdue},
		{"semi-annual", attest.SemiAnnual, []attest.PolicyEvent{pub(1, "2026-03-01T10:00:00Z")}, "2026-09-01", ""},
		{"monthly", attest.Monthly, []attest.PolicyEvent{pub(1, "2026-06-01T10:00:00Z")}, "2026-07-01", policy.ReviewDue},
		{"weekly, the first missed", attest.Weekly, []attest.PolicyEvent{pub(1, "2026-06-01T10:00:00Z")}, "2026-06-08", policy.ReviewOverdue},
		{"never published: nothing in force to review", attest.Annual, []attest.PolicyEvent{approve(1, "2025-06-01T10:00:00Z")}, "", ""},
		{"not periodic", attest.EventDriven, []attest.PolicyEvent{pub(1, "2025-06-01T10:00:00Z")}, "", ""},
		// A new version's approval is its review: the next is due a year
		// after it, and its publication two days later is the same review.
		{"reviewed by a new version", attest.Annual, []attest.PolicyEvent{pub(1, "2025-03-01T10:00:00Z"),
			approve(2, "2026-02-10T10:00:00Z"), pub(2, "2026-02-12T10:00:00Z")}, "2027-02-10", ""},
		// Reviewed late: the next review counts from the late one.
		{"reviewed late", attest.Annual, []attest.PolicyEvent{pub(1, "2025-03-01T10:00:00Z"),
			approve(2, "2026-04-20T10:00:00Z"), pub(2, "2026-04-21T10:00:00Z")}, "2027-04-20", ""},
		// Missed twice: the first missed review is the one shown.
		{"missed twice", attest.Annual, []attest.PolicyEvent{pub(1, "2024-03-01T10:00:00Z")}, "2025-03-01", policy.ReviewOverdue},
	} {
		due, st := policy.NextReview(tc.review, tc.events, now)
		if due != tc.due || st != tc.status {
			t.Errorf("%s: %q %q, want %q %q", tc.name, due, st, tc.due, tc.status)
		}
	}
}

// only is an auditor's scope that covers the controls named and what was
// in force from a day on.
type only struct {
	controls []string
	since    string
}

func (o only) Relevant(what, from, to string, controls []string) error {
	for _, c := range controls {
		if slices.Contains(o.controls, c) {
			return nil
		}
	}
	if from != "" && from[:10] <= o.since {
		return nil
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: what + ": not relevant"}
}

func TestReadByRole(t *testing.T) {
	s := sqlitetest.Create(t)
	var users []*attest.User
	for _, r := range []string{attest.RoleOwner, attest.RoleAuditor, "employee"} {
		u, err := s.SaveUser(ctx, change("admin", 1), attest.User{Email: r + "@example.com", Name: r, Role: attest.RoleOwner})
		if err != nil {
			t.Fatal(err)
		}
		u.Role = r
		users = append(users, u)
	}
	owner, auditor, employee := users[0], users[1], users[2]
	for _, tpl := range []string{"access-control", "incident-response"} {
		if _, err := policy.New(ctx, s, change("op", 2), nil, policy.NewRequest{Template: tpl, Vars: map[string]string{"org": "Acme"}, Owner: owner.ID, Approvers: []int64{owner.ID}}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	all, err := policy.List(ctx, s, owner, nil, now)
	if err != nil || len(all) != 2 || all[0].OwnerName != "control-owner" {
		t.Fatalf("the staff's list: %+v %v", all, err)
	}
	// The auditor of an engagement with AC-01 in scope reads the access
	// control policy, not the incident response policy (drafts, never in
	// force), and is refused the other by name.
	sc := only{controls: []string{"AC-01"}}
	got, err := policy.List(ctx, s, auditor, sc, now)
	if err != nil || len(got) != 1 || got[0].ID != "access-control" {
		t.Fatalf("the auditor's list: %+v %v", got, err)
	}
	if _, err := policy.Read(ctx, s, auditor, sc, "access-control", now); err != nil {
		t.Fatal(err)
	}
	_, err = policy.Read(ctx, s, auditor, sc, "incident-response", now)
	mustCode(t, err, attest.EFORBIDDEN)
	_, err = policy.ReadDiff(ctx, s, auditor, sc, "incident-response", 0, 0)
	mustCode(t, err, attest.EFORBIDDEN)
	// Someone who is not staff reads nothing.
	_, err = policy.List(ctx, s, employee, nil, now)
	mustCode(t, err, attest.EFORBIDDEN)
	_, err = policy.Read(ctx, s, employee, nil, "access-control", now)
	mustCode(t, err, attest.EFORBIDDEN)
	// An owner account the store no longer finds does not hide the policy.
	v, err := policy.Read(ctx, lost{s, owner.ID}, owner, nil, "access-control", now)
	if err != nil || !strings.Contains(v.OwnerName, "not found") {
		t.Errorf("a lost owner account: %+v %v", v, err)
	}
}

// lost is a store that no longer finds one account.
type lost struct {
	policy.Store
	id int64
}

func (l lost) User(ctx context.Context, id int64) (*attest.User, error) {
	if id == l.id {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no such user"}
	}
	return l.Store.User(ctx, id)
}

// TestBodyHTMLEscapes: the page embeds a policy's text as HTML, so every
// character of it is escaped, in every construct the subset knows.
func TestBodyHTMLEscapes(t *testing.T) {
	got := policy.BodyHTML("# <b>Title</b>\n\nA <script>alert(1)</script> **<i>bold</i>**\n\n- <img src=x>\n\n| <td> | x |\n|---|---|\n| a&b | \"q\" |\n")
	for _, bad := range []string{"<script", "<img", "<b>", "<i>", "<td> |"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q is not escaped in:\n%s", bad, got)
		}
	}
	for _, want := range []string{"<h1>&lt;b&gt;Title&lt;/b&gt;</h1>", "<strong>&lt;i&gt;bold&lt;/i&gt;</strong>", "<td>a&amp;b</td>"} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
}
