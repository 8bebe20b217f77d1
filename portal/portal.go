// Package portal is the employee portal: a person on the roster without
// a staff account signs in with an e-mailed link (RequestLink, Open:
// single use, 15 minutes, kept only as the SHA-256 of its secret) and
// sees only what is asked of them (Load: the policies to read and
// acknowledge, their security training, and the checklist items another
// package assigns them through Checklist); Remind mails each person what
// is overdue, once per interval, recorded. The principal it signs in is
// attest.Employee: no staff route or workflow accepts it.
package portal

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/policy"
	"github.com/attest-dev/attest/training"
)

// Store is what the portal reads and writes.
type Store interface {
	ack.Store
	training.Store
	SavePortalLink(ctx context.Context, l attest.PortalLink) error
	UsePortalLink(ctx context.Context, hash, at string) (*attest.PortalLink, error)
	RecordReminders(ctx context.Context, ch attest.Change, rs []attest.Reminder) ([]attest.Reminder, error)
	Reminders(ctx context.Context) ([]attest.Reminder, error)
	PolicyEvents(ctx context.Context, id string) ([]attest.PolicyEvent, error)
	RecordPolicy(ctx context.Context, ch attest.Change, typ string, prev int64, c attest.PolicyChange) (*attest.PolicyChange, error)
	User(ctx context.Context, id int64) (*attest.User, error)
}

// LinkTTL is how long a sign-in link works.
const LinkTTL = 15 * time.Minute

// CheckAddress refuses what cannot be a roster address: empty, longer
// than 254 bytes, or without an '@'. The portal serves the people on the
// roster, which takes any address with an '@' (an HR export's), so it asks
// no more than that: a stricter rule (auth.CheckEmail) would shut out
// someone the roster holds. The refusal is EINVALID, named "email".
func CheckAddress(email string) error {
	if email == "" || len(email) > 254 || !strings.Contains(email, "@") {
		return attest.Errorf(attest.EINVALID, "email: %q is not an e-mail address", email)
	}
	return nil
}

// RequestLink makes a sign-in link for the person with the address and
// returns the mail that carries it. An address that is not a person
// employed on the roster is ENOTFOUND: the adapter answers it exactly as
// it answers a good one, so the form tells nobody who is on the roster.
// An address that is not one (CheckAddress) is EINVALID, named "email".
// base is the server's public address.
func RequestLink(ctx context.Context, s Store, email, base string, now time.Time) (*mail.Message, error) {
	email = auth.NormalEmail(email)
	if err := CheckAddress(email); err != nil {
		return nil, err
	}
	p, err := s.PersonByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if !active(p, now) {
		return nil, attest.Errorf(attest.ENOTFOUND, "%s no longer works for the organization", p.Email)
	}
	secret := auth.RandomSecret("", 32)
	l := attest.PortalLink{Hash: auth.HashSecret(secret), PersonID: p.ID, CreatedAt: stamp(now), ExpiresAt: stamp(now.Add(LinkTTL))}
	if err := s.SavePortalLink(ctx, l); err != nil {
		return nil, err
	}
	body := fmt.Sprintf("Hello %s,\n\nHere is your link to the employee portal, where you read and acknowledge the organization's policies:\n\n%s/portal/login/%s\n\n"+
		"It works once, for %d minutes. If you did not ask for it, you can ignore this message.\n", p.Name, base, secret, int(LinkTTL.Minutes()))
	return &mail.Message{To: p.Email, Subject: "Your sign-in link to the employee portal", Body: body, At: now}, nil
}

// Open uses a sign-in link: once, before it expires, for a person still
// employed. Every refusal is EUNAUTHORIZED, with what to do next.
func Open(ctx context.Context, s Store, secret string, now time.Time) (*attest.User, error) {
	l, err := s.UsePortalLink(ctx, auth.HashSecret(secret), stamp(now))
	switch attest.ErrorCode(err) {
	case "":
	case attest.ENOTFOUND:
		return nil, unauthorized("this sign-in link is not valid: ask for a new one")
	case attest.ECONFLICT:
		return nil, unauthorized("this sign-in link was used already: each link works once; ask for a new one")
	default:
		return nil, err
	}
	if exp, err := time.Parse(time.RFC3339Nano, l.ExpiresAt); err != nil || !now.Before(exp) {
		return nil, unauthorized(fmt.Sprintf("this sign-in link has expired (links work for %d minutes): ask for a new one", int(LinkTTL.Minutes())))
	}
	return Principal(ctx, s, l.PersonID, now)
}

// SingleSignOn is the employee principal of the person on the roster with
// the address an identity provider has vouched for: someone on the roster,
// still working for the organization. Every refusal is EUNAUTHORIZED and
// names the reason, for the log.
func SingleSignOn(ctx context.Context, s Store, email string, now time.Time) (*attest.User, error) {
	p, err := s.PersonByEmail(ctx, email)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, unauthorized("no one on the roster has the e-mail " + email)
	} else if err != nil {
		return nil, err
	}
	u, err := Principal(ctx, s, p.ID, now)
	if attest.ErrorCode(err) == attest.EUNAUTHORIZED {
		return nil, unauthorized(email + " no longer works for the organization")
	}
	return u, err
}

// Principal is the employee principal of a signed-in person, read again
// on every request: someone who left is signed out at once.
func Principal(ctx context.Context, s Store, person int64, now time.Time) (*attest.User, error) {
	p, err := s.Person(ctx, person)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, unauthorized("sign in again")
	}
	if err != nil {
		return nil, err
	}
	if !active(p, now) {
		return nil, unauthorized("the portal is for the organization's current people")
	}
	return attest.Employee(p), nil
}

func active(p *attest.Person, now time.Time) bool {
	return p.Status != attest.PersonTerminated && p.Employed(now.UTC().Format(attest.DateLayout))
}

func unauthorized(msg string) error { return &attest.Error{Code: attest.EUNAUTHORIZED, Message: msg} }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Task is one thing asked of a person besides policies and training: a
// checklist item (onboarding, offboarding) assigned to them.
type Task struct {
	Title   string `json:"title"`
	Due     string `json:"due,omitempty"`
	Overdue bool   `json:"overdue,omitempty"`
	// Link is where the person does it, if anywhere in Attest.
	Link string `json:"link,omitempty"`
}

// Checklist gives the checklist items assigned to a person. The people
// package's checklists plug in here; nil means none.
type Checklist interface {
	Tasks(ctx context.Context, person int64, day string) ([]Task, error)
}

// Page is what the portal shows one person.
type Page struct {
	Person   attest.Person          `json:"person"`
	Day      string                 `json:"day"`
	ToRead   []ack.Item             `json:"to_acknowledge"`
	Done     []ack.Item             `json:"acknowledged"`
	Training *training.PersonStatus `json:"training,omitempty"`
	Tasks    []Task                 `json:"tasks"`
}

// Load is the portal's page for the employee principal u on day.
func Load(ctx context.Context, s Store, cl Checklist, u *attest.User, day string) (*Page, error) {
	if !u.IsEmployee() {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "the portal shows a person what is asked of them: sign in with the link mailed to you"}
	}
	p, err := s.Person(ctx, u.Person)
	if err != nil {
		return nil, err
	}
	st, err := ack.Load(ctx, s, day, ack.Filter{Person: p.ID})
	if err != nil {
		return nil, err
	}
	pg := &Page{Person: *p, Day: day, ToRead: []ack.Item{}, Done: []ack.Item{}, Tasks: []Task{}}
	for _, ps := range st.People {
		for _, it := range ps.Items {
			if it.State == ack.Acknowledged {
				pg.Done = append(pg.Done, it)
			} else {
				pg.ToRead = append(pg.ToRead, it)
			}
		}
	}
	ts, err := training.Load(ctx, s, day, p.ID, nil)
	if err != nil {
		return nil, err
	}
	if len(ts.People) == 1 {
		pg.Training = &ts.People[0]
	}
	if cl != nil {
		if pg.Tasks, err = cl.Tasks(ctx, p.ID, day); err != nil {
			return nil, err
		}
	}
	return pg, nil
}

// Policy is the version in force of a policy asked of u, rendered, with
// where u stands with it. A policy not asked of u is ENOTFOUND: the
// portal shows a person only what is theirs.
func Policy(ctx context.Context, s Store, u *attest.User, id, day string) (*policy.Document, *ack.Item, error) {
	if !u.IsEmployee() {
		return nil, nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "the portal shows a person what is asked of them"}
	}
	st, err := ack.Load(ctx, s, day, ack.Filter{Person: u.Person, Policy: id})
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, nil, attest.Errorf(attest.ENOTFOUND, "no policy %s is asked of you", id)
	}
	if err != nil {
		return nil, nil, err
	}
	if len(st.People) == 0 || len(st.People[0].Items) == 0 {
		return nil, nil, attest.Errorf(attest.ENOTFOUND, "no policy %s is asked of you", id)
	}
	it := st.People[0].Items[0]
	d, err := policy.Export(ctx, s, id, -1)
	if err != nil {
		return nil, nil, err
	}
	return d, &it, nil
}
