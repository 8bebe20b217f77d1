package portal

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/remind"
	"github.com/attest-dev/attest/training"
)

// Remind mails each person what is overdue (acknowledgements past their
// due day, security training past its due day), at most once per every:
// a person reminded less than every ago is left alone. The round is
// recorded with one ledger entry; the messages are returned for the
// caller to send. Management only (the reminder job acts as the local
// operator).
func Remind(ctx context.Context, s Store, ch attest.Change, actor *attest.User, base string, every time.Duration) ([]mail.Message, error) {
	if !attest.Manages(actor) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only management sends the portal's reminders"}
	}
	if every <= 0 {
		every = remind.DefaultEvery
	}
	day := ch.At.UTC().Format(attest.DateLayout)
	acks, err := ack.Load(ctx, s, day, ack.Filter{})
	if err != nil {
		return nil, err
	}
	tr, err := training.Load(ctx, s, day, 0, nil)
	if err != nil {
		return nil, err
	}
	type due struct {
		email, name string
		items       []string
		lines       []string
	}
	overdue := map[int64]*due{}
	get := func(id int64, email, name string) *due {
		if overdue[id] == nil {
			overdue[id] = &due{email: email, name: name}
		}
		return overdue[id]
	}
	for _, ps := range acks.People {
		for _, it := range ps.Items {
			if it.Overdue {
				d := get(ps.Person, ps.Email, ps.Name)
				d.items = append(d.items, "policy:"+it.Policy)
				d.lines = append(d.lines, fmt.Sprintf("- read and acknowledge %s (version %d), due %s", it.Title, it.Version, it.Due))
			}
		}
	}
	for _, ps := range tr.People {
		if ps.State == training.Overdue {
			d := get(ps.Person, ps.Email, ps.Name)
			d.items = append(d.items, "training")
			line := "- complete the security awareness training"
			if ps.Due != "" {
				line += ", due " + ps.Due
			}
			d.lines = append(d.lines, line)
		}
	}
	last, err := s.Reminders(ctx)
	if err != nil {
		return nil, err
	}
	recent := map[int64]bool{}
	for _, r := range last {
		if t, err := time.Parse(time.RFC3339Nano, r.At); err == nil && ch.At.Sub(t) < every {
			recent[r.PersonID] = true
		}
	}
	ids := make([]int64, 0, len(overdue))
	for id := range overdue {
		if !recent[id] {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	if len(ids) == 0 {
		return []mail.Message{}, nil
	}
	rs := make([]attest.Reminder, len(ids))
	msgs := make([]mail.Message, len(ids))
	for i, id := range ids {
		d := overdue[id]
		rs[i] = attest.Reminder{PersonID: id, Email: d.email, Items: d.items}
		msgs[i] = mail.Message{To: d.email, Subject: "Overdue: what the organization asks of you", At: ch.At,
			Body: fmt.Sprintf("Hello %s,\n\nThese are overdue:\n\n%s\n\nSign in to the employee portal to do them: %s/portal\n", d.name, strings.Join(d.lines, "\n"), base)}
	}
	if _, err := s.RecordReminders(ctx, ch, rs); err != nil {
		return nil, err
	}
	return msgs, nil
}
