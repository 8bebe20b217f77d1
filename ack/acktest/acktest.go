// Package acktest builds what the acknowledgement, training and portal
// tests start from: published policies and people on the roster,
// written through the store as the policy and roster workflows would.
package acktest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/attest-dev/attest"
)

// Store is what the fixtures write through.
type Store interface {
	Policy(ctx context.Context, id string) (*attest.Policy, error)
	RecordPolicy(ctx context.Context, ch attest.Change, typ string, prev int64, c attest.PolicyChange) (*attest.PolicyChange, error)
	RecordPeople(ctx context.Context, ch attest.Change, typ string, rc attest.RosterChange, people []attest.Person) ([]attest.Person, error)
}

// Publish writes a new version of policy id with body and puts it in
// force (created, then published: the approval steps are the policy
// package's own tests). It returns the policy as published.
func Publish(t testing.TB, s Store, ch attest.Change, id, title, body string) *attest.Policy {
	t.Helper()
	p, err := TryPublish(context.Background(), s, ch, id, title, body)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TryPublish is Publish for callers without a testing.TB.
func TryPublish(ctx context.Context, s Store, ch attest.Change, id, title, body string) (*attest.Policy, error) {
	sum := sha256.Sum256([]byte(body))
	p, err := s.Policy(ctx, id)
	prev := int64(-1)
	typ := attest.EntryPolicyCreated
	next := attest.Policy{ID: id, Template: id, Title: title, Review: attest.Annual, Approvers: []int64{}, Controls: []string{"HR-02", "HR-03"}, Criteria: []string{"CC1.1", "CC2.2"},
		Version: 1, CreatedAt: ch.Stamp()}
	if err == nil {
		prev, typ, next = p.Entry, attest.EntryPolicyEdited, *p
		next.Version++
	} else if attest.ErrorCode(err) != attest.ENOTFOUND {
		return nil, err
	}
	next.Status, next.UpdatedAt = attest.PolicyDraft, ch.Stamp()
	v := attest.PolicyVersion{PolicyID: id, Version: next.Version, Body: body, SHA256: hex.EncodeToString(sum[:]), By: ch.Actor, At: ch.Stamp()}
	c, err := s.RecordPolicy(ctx, ch, typ, prev, attest.PolicyChange{Policy: next, Version: &v})
	if err != nil {
		return nil, err
	}
	pub := c.Policy
	pub.Status, pub.Published, pub.PublishedAt = attest.PolicyPublished, pub.Version, ch.Stamp()
	e := attest.PolicyEvent{PolicyID: id, Version: pub.Version, Action: attest.PolicyPublish, By: ch.Actor, At: ch.Stamp()}
	c, err = s.RecordPolicy(ctx, ch, attest.EntryPolicyPublished, c.Policy.Entry, attest.PolicyChange{Policy: pub, Event: &e})
	if err != nil {
		return nil, err
	}
	return &c.Policy, nil
}

// People puts n in-scope employees on the roster, person{i}@example.com,
// started on start, in department "Engineering" when i is even, else
// "Sales".
func People(t testing.TB, s Store, ch attest.Change, n int, start string) []attest.Person {
	t.Helper()
	ps := make([]attest.Person, n)
	for i := range ps {
		dep := "Engineering"
		if i%2 == 1 {
			dep = "Sales"
		}
		ps[i] = attest.Person{Email: fmt.Sprintf("person%d@example.com", i), Name: fmt.Sprintf("Person %d", i), Kind: attest.PersonEmployee,
			Status: attest.PersonActive, Start: start, Department: dep, Role: "staff", InScope: true, Source: "test"}
	}
	got, err := s.RecordPeople(context.Background(), ch, attest.EntryRosterImported, attest.RosterChange{Source: "test"}, ps)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
