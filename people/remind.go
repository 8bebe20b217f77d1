package people

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/remind"
)

// RemindedKey is the setting that keeps when each assignee was last
// reminded of their overdue items (a JSON object: address → RFC 3339
// time), so that a retried job mails no one twice within its interval.
const RemindedKey = "checklist-reminders.last"

// RemindStore is what the reminders read and the round they keep.
type RemindStore interface {
	ReadStore
	remind.Store
}

// Reminder is one message: to an assignee, about their overdue items.
type Reminder struct {
	To      string       `json:"to"`
	Items   []ItemStatus `json:"items"`
	Subject string       `json:"subject"`
	Body    string       `json:"body"`
	// Unassigned marks the message about items no one has, sent to the
	// address the caller named.
	Unassigned bool `json:"unassigned,omitempty"`
}

// Remind is, for management, one message per assignee of checklist
// items overdue on now's day, leaving out whoever was reminded less than
// every ago (default remind.DefaultEvery); items without an assignee go to
// unassigned when it is given. The round is kept (RemindedKey) before the
// messages are returned for the caller to send: a reminder goes at most
// once per interval, even when the job is retried.
func Remind(ctx context.Context, s RemindStore, c Completions, actor *attest.User, now time.Time, every time.Duration, unassigned string) ([]Reminder, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("sends the checklists' reminders")
	}
	its, err := Checklist(ctx, s, c, actor, ChecklistQuery{Overdue: true}, now)
	if err != nil {
		return nil, err
	}
	rounds, err := remind.Load(ctx, s, RemindedKey)
	if err != nil {
		return nil, err
	}
	byTo := map[string][]ItemStatus{}
	for _, it := range its {
		to := strings.ToLower(it.Assignee)
		if it.AssigneeID == 0 {
			to = strings.ToLower(strings.TrimSpace(unassigned))
		}
		if to == "" {
			continue
		}
		if !rounds.Due(to, now, every) {
			continue
		}
		byTo[to] = append(byTo[to], it)
	}
	out := []Reminder{}
	for to, items := range byTo {
		out = append(out, reminder(to, items, to == strings.ToLower(strings.TrimSpace(unassigned)) && items[0].AssigneeID == 0))
		rounds.Mark(to, now)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].To < out[j].To })
	if err := rounds.Save(ctx, s); err != nil {
		return nil, err
	}
	return out, nil
}

// reminder words the message of one assignee's overdue items.
func reminder(to string, items []ItemStatus, unassigned bool) Reminder {
	r := Reminder{To: to, Items: items, Unassigned: unassigned}
	var b strings.Builder
	if unassigned {
		r.Subject = fmt.Sprintf("%d onboarding and offboarding items are overdue and have no one to do them", len(items))
		b.WriteString("These items are past their due date and no account is assigned to them. Assign each to whoever does it:\n\n")
	} else {
		r.Subject = fmt.Sprintf("%d onboarding and offboarding items of yours are overdue", len(items))
		b.WriteString("These items are yours to do and past their due date. Once one is done, mark it done with the day you did it and, where there is one, the record that shows it:\n\n")
	}
	for _, it := range items {
		fmt.Fprintf(&b, "- %s: %s (%s), due %s, %d days ago (item %d)\n", it.Person, it.Title, it.Checklist, it.Due, it.DaysLate, it.ID)
	}
	r.Body = b.String()
	return r
}
