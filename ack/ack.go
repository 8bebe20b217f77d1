// Package ack is the acknowledgement of policies: who each published
// policy is asked of (Assign: every in-scope person by default, or only
// some departments or roster roles), a person's acknowledgement of the
// version in force (Acknowledge: never a superseded one, pinned to the
// version's SHA-256), and the status per person and per policy (Load,
// Compute). Every act is one ledger entry written with its record.
package ack

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
)

// Store is what the workflows read and write.
type Store interface {
	Policy(ctx context.Context, id string) (*attest.Policy, error)
	Policies(ctx context.Context) ([]attest.Policy, error)
	PolicyVersions(ctx context.Context, id string) ([]attest.PolicyVersion, error)
	Person(ctx context.Context, id int64) (*attest.Person, error)
	PersonByEmail(ctx context.Context, email string) (*attest.Person, error)
	People(ctx context.Context) ([]attest.Person, error)
	RecordAudience(ctx context.Context, ch attest.Change, a attest.PolicyAudience) (*attest.PolicyAudience, error)
	Audiences(ctx context.Context) ([]attest.PolicyAudience, error)
	RecordAcknowledgement(ctx context.Context, ch attest.Change, a attest.Acknowledgement) (*attest.Acknowledgement, error)
	Acknowledgements(ctx context.Context, person int64) ([]attest.Acknowledgement, error)
	LatestAcknowledgements(ctx context.Context) ([]attest.AckLatest, error)
}

// DueDays is how long a person has to acknowledge a version: from its
// publication, or from their start date when they join later (the
// library's new-hire control, HR-02, asks for 30 days).
const DueDays = 30

func forbidden(msg string) error { return &attest.Error{Code: attest.EFORBIDDEN, Message: msg} }

// AssignRequest names who a policy is asked of: departments and roster
// roles (either may be empty); neither means every in-scope person.
type AssignRequest struct {
	Departments []string
	Roles       []string
}

// Assign records who a policy is asked of, replacing what was recorded
// before. Management only.
func Assign(ctx context.Context, s Store, ch attest.Change, actor *attest.User, policy string, req AssignRequest) (*attest.PolicyAudience, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("only management (an admin or a compliance manager) decides who a policy is asked of")
	}
	p, err := s.Policy(ctx, policy)
	if err != nil {
		return nil, err
	}
	a := attest.PolicyAudience{PolicyID: p.ID, Departments: clean(req.Departments), Roles: clean(req.Roles)}
	return s.RecordAudience(ctx, ch, a)
}

// clean trims each name and keeps it once, in order.
func clean(names []string) []string {
	out := []string{}
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Request is one acknowledgement.
type Request struct {
	Policy string
	// Version is the version the person read: it must be the version in
	// force.
	Version int
	// Person is who acknowledges, when management records an
	// acknowledgement given outside the portal (a signed form); an
	// employee acknowledges only as themselves.
	Person int64
	// Note says how management's record was given ("signed paper form,
	// 2026-03-02"); required then.
	Note string
}

// Acknowledge records a person's acknowledgement of the version of a
// policy in force. An employee (the portal's principal) acknowledges for
// themselves; management may record one given outside the portal, with a
// note saying how. Nobody else acknowledges, and nobody for another
// person but management.
func Acknowledge(ctx context.Context, s Store, ch attest.Change, actor *attest.User, req Request) (*attest.Acknowledgement, error) {
	via, who := attest.AckPortal, req.Person
	switch {
	case actor.IsEmployee():
		if who != 0 && who != actor.Person {
			return nil, forbidden("an acknowledgement is the person's own: nobody acknowledges for someone else")
		}
		who = actor.Person
	case attest.Manages(actor):
		via = attest.AckRecorded
		if who == 0 {
			return nil, &attest.Error{Code: attest.EINVALID, Message: "name the person whose acknowledgement this is", Hint: "the person, by e-mail address"}
		}
		if strings.TrimSpace(req.Note) == "" {
			return nil, &attest.Error{Code: attest.EINVALID, Message: "say how the acknowledgement was given (a note): people acknowledge in the portal; management records only what they gave elsewhere",
				Hint: "for example: signed form, 2026-03-02"}
		}
	default:
		return nil, forbidden("people acknowledge policies in the employee portal; management may record one given elsewhere")
	}
	person, err := s.Person(ctx, who)
	if err != nil {
		return nil, err
	}
	p, err := s.Policy(ctx, req.Policy)
	if err != nil {
		return nil, err
	}
	if err := inForce(p, req.Version); err != nil {
		return nil, err
	}
	aud, err := audienceOf(ctx, s, p.ID)
	if err != nil {
		return nil, err
	}
	if !aud.Includes(person, day(ch)) {
		return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s is not asked of %s: it is for %s", p.ID, person.Email, describe(aud))}
	}
	sum, err := versionSum(ctx, s, p.ID, p.Published)
	if err != nil {
		return nil, err
	}
	return s.RecordAcknowledgement(ctx, ch, attest.Acknowledgement{PersonID: person.ID, PolicyID: p.ID, Version: p.Published, SHA256: sum,
		At: ch.Stamp(), Via: via, Note: strings.TrimSpace(req.Note)})
}

// inForce refuses any version but the one in force, naming the rule.
func inForce(p *attest.Policy, v int) error {
	switch {
	case p.Published == 0:
		return &attest.Error{Code: attest.EINVALID, Message: p.ID + " has no version in force: only a published version is acknowledged"}
	case v == 0:
		return &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("name the version of %s that was read (version %d is in force)", p.ID, p.Published)}
	case v < p.Published:
		return &attest.Error{Code: attest.ECONFLICT, Message: fmt.Sprintf("%s version %d is superseded by version %d: only the version in force is acknowledged; read version %d", p.ID, v, p.Published, p.Published)}
	case v > p.Published:
		return &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s version %d is not in force (version %d is): only the version in force is acknowledged", p.ID, v, p.Published)}
	}
	return nil
}

func audienceOf(ctx context.Context, s Store, policy string) (*attest.PolicyAudience, error) {
	as, err := s.Audiences(ctx)
	if err != nil {
		return nil, err
	}
	for i := range as {
		if as[i].PolicyID == policy {
			return &as[i], nil
		}
	}
	return nil, nil
}

// describe says who an audience is, for messages.
func describe(a *attest.PolicyAudience) string {
	if a.Everyone() {
		return "every in-scope person"
	}
	var parts []string
	if len(a.Departments) > 0 {
		parts = append(parts, "the departments "+strings.Join(a.Departments, ", "))
	}
	if len(a.Roles) > 0 {
		parts = append(parts, "the roles "+strings.Join(a.Roles, ", "))
	}
	return "in-scope people in " + strings.Join(parts, " or ")
}

func versionSum(ctx context.Context, s Store, policy string, v int) (string, error) {
	vs, err := s.PolicyVersions(ctx, policy)
	if err != nil {
		return "", err
	}
	for _, x := range vs {
		if x.Version == v {
			return x.SHA256, nil
		}
	}
	return "", fmt.Errorf("policy %s: version %d is missing", policy, v)
}

func day(ch attest.Change) string { return ch.At.UTC().Format(attest.DateLayout) }
