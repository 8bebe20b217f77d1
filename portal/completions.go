package portal

import (
	"context"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/training"
)

// Completions gives the people package's checklists the facts that close
// their acknowledgement and training items (people.Completions): whether
// a person acknowledged every policy asked of them, and completed a
// course, and on which day. Now is the clock (the policies asked of a
// person are those asked on its day).
type Completions struct {
	Store Store
	Now   func() time.Time
}

// AcknowledgedAll reports whether the person acknowledged every published
// policy asked of them today, in some version, and the day the last of
// them was first acknowledged. A version published since does not reopen
// the item: the re-acknowledgement is the status's concern (ack.Outdated).
func (c Completions) AcknowledgedAll(ctx context.Context, person int64) (string, bool, error) {
	day := c.Now().UTC().Format(attest.DateLayout)
	st, err := ack.Load(ctx, c.Store, day, ack.Filter{Person: person})
	if err != nil {
		return "", false, err
	}
	ks, err := c.Store.Acknowledgements(ctx, person)
	if err != nil {
		return "", false, err
	}
	first := map[string]string{}
	for _, k := range ks {
		if d := k.At[:min(10, len(k.At))]; first[k.PolicyID] == "" || d < first[k.PolicyID] {
			first[k.PolicyID] = d
		}
	}
	done, asked := "", 0
	for _, ps := range st.People {
		for _, it := range ps.Items {
			asked++
			d := first[it.Policy]
			if d == "" {
				return "", false, nil
			}
			done = max(done, d)
		}
	}
	return done, asked > 0, nil
}

// TrainingDone reports whether the person completed the course (its name
// compared ignoring case; an empty course means security training as
// training.Security judges it), and the first day they did.
func (c Completions) TrainingDone(ctx context.Context, person int64, course string) (string, bool, error) {
	cs, err := c.Store.Completions(ctx, person)
	if err != nil {
		return "", false, err
	}
	done := ""
	for _, x := range cs {
		match := strings.EqualFold(strings.TrimSpace(x.Course), strings.TrimSpace(course))
		if course == "" {
			match = training.Security(x.Course, nil)
		}
		if match && (done == "" || x.Completed < done) {
			done = x.Completed
		}
	}
	return done, done != "", nil
}
