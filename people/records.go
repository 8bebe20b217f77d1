package people

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/training"
)

// RecordsStore is what Records reads: the acknowledgements and the
// training completions.
type RecordsStore interface {
	ack.Store
	training.Store
	FirstAcknowledgements(ctx context.Context) ([]attest.AckFirst, error)
}

// Records is the Completions the store's own records give: whether a
// person acknowledged every policy asked of them, and completed a course,
// and on which day (package ack's and package training's records). Now is
// the clock (the policies asked of a person are those asked on its day).
type Records struct {
	Store RecordsStore
	Now   func() time.Time
}

// RecordsOf is the Completions s keeps, read as of now; nil (items of
// those kinds stay open) when s keeps no acknowledgements or training.
// Asked about a second person, it reads everyone's acknowledgements (or
// training completions) once and answers the rest from that read (the
// roster judges every person's items at once): make one per request or
// command, not one to keep.
func RecordsOf(s any, now time.Time) Completions {
	rs, ok := s.(RecordsStore)
	if !ok {
		return nil
	}
	return &batched{Records: Records{Store: rs, Now: func() time.Time { return now }}}
}

// batched is Records reading everyone's records at once after the first
// person: one read of the policies, audiences, roster and
// acknowledgements, and one of the training completions, instead of one
// per person.
type batched struct {
	Records
	ackFirst, trainingFirst int64
	// acked is, per person who acknowledged every policy asked of them,
	// the day they had; onRoster the people read with it.
	acked    map[int64]string
	onRoster map[int64]bool
	// trained is everyone's completions by person.
	trained map[int64][]attest.Completion
}

// once reports whether person is the first asked about (or the same
// again), and so read on their own.
func once(first *int64, person int64) bool {
	if *first == 0 || *first == person {
		*first = person
		return true
	}
	return false
}

func (b *batched) AcknowledgedAll(ctx context.Context, person int64) (string, bool, error) {
	if b.acked == nil && once(&b.ackFirst, person) {
		return b.Records.AcknowledgedAll(ctx, person)
	}
	if b.acked == nil {
		if err := b.everyoneAcked(ctx); err != nil {
			return "", false, err
		}
	}
	if !b.onRoster[person] {
		// As a person's own read says (ack.Load).
		return "", false, attest.Errorf(attest.ENOTFOUND, "no such person: %d", person)
	}
	d, ok := b.acked[person]
	return d, ok, nil
}

func (b *batched) TrainingDone(ctx context.Context, person int64, course string) (string, bool, error) {
	if b.trained == nil && once(&b.trainingFirst, person) {
		return b.Records.TrainingDone(ctx, person, course)
	}
	if b.trained == nil {
		cs, err := b.Store.Completions(ctx, 0)
		if err != nil {
			return "", false, err
		}
		b.trained = map[int64][]attest.Completion{}
		for _, c := range cs {
			b.trained[c.PersonID] = append(b.trained[c.PersonID], c)
		}
	}
	done := firstCompleted(b.trained[person], course)
	return done, done != "", nil
}

// everyoneAcked reads AcknowledgedAll's answer for every person on the
// roster, from one read of each table.
func (b *batched) everyoneAcked(ctx context.Context) error {
	var in ack.Input
	var err error
	if in.Policies, err = b.Store.Policies(ctx); err != nil {
		return err
	}
	if in.People, err = b.Store.People(ctx); err != nil {
		return err
	}
	if in.Audiences, err = b.Store.Audiences(ctx); err != nil {
		return err
	}
	ks, err := b.Store.FirstAcknowledgements(ctx)
	if err != nil {
		return err
	}
	first := make(map[int64]map[string]string, len(in.People))
	for _, k := range ks {
		if first[k.PersonID] == nil {
			first[k.PersonID] = map[string]string{}
		}
		first[k.PersonID][k.PolicyID] = k.At[:min(10, len(k.At))]
	}
	st := ack.Compute(in, b.Now().UTC().Format(attest.DateLayout), ack.Filter{})
	b.acked, b.onRoster = make(map[int64]string, len(st.People)), make(map[int64]bool, len(in.People))
	for _, p := range in.People {
		b.onRoster[p.ID] = true
	}
	// The status lists only the people asked some policy.
	for _, ps := range st.People {
		if d, ok := acknowledgedOn(ps.Items, first[ps.Person]); ok {
			b.acked[ps.Person] = d
		}
	}
	return nil
}

// acknowledgedOn is the day the last of items was first acknowledged,
// from first (by policy); ok is false while one is not, or when none is
// asked.
func acknowledgedOn(items []ack.Item, first map[string]string) (day string, ok bool) {
	for _, it := range items {
		d := first[it.Policy]
		if d == "" {
			return "", false
		}
		day = max(day, d)
	}
	return day, len(items) > 0
}

// AcknowledgedAll reports whether the person acknowledged every published
// policy asked of them today, in some version, and the day the last of
// them was first acknowledged. A version published since does not reopen
// the item: the re-acknowledgement is the status's concern (ack.Outdated).
func (c Records) AcknowledgedAll(ctx context.Context, person int64) (string, bool, error) {
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
	if len(st.People) == 0 {
		return "", false, nil // asked nothing
	}
	d, ok := acknowledgedOn(st.People[0].Items, first)
	return d, ok, nil
}

// TrainingDone reports whether the person completed the course, and the
// first day they did. A checklist names a course by a short key
// ("secure-development"): a completion counts when its name holds the
// key's words, in any case ("Secure Development Fundamentals 2026"); the
// security awareness course, or none named, is security training as
// training.Security judges it.
func (c Records) TrainingDone(ctx context.Context, person int64, course string) (string, bool, error) {
	cs, err := c.Store.Completions(ctx, person)
	if err != nil {
		return "", false, err
	}
	done := firstCompleted(cs, course)
	return done, done != "", nil
}

// firstCompleted is the first day one of cs completed the course ("" if
// none did).
func firstCompleted(cs []attest.Completion, course string) string {
	done := ""
	for _, x := range cs {
		match := courseMatches(x.Course, course)
		if course == "" || course == "security-awareness" {
			match = training.Security(x.Course, nil)
		}
		if match && (done == "" || x.Completed < done) {
			done = x.Completed
		}
	}
	return done
}

// courseMatches reports whether a completion's course name holds every
// word of the checklist's course key, ignoring case and punctuation.
func courseMatches(name, key string) bool {
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	have := map[string]bool{}
	for _, w := range words(name) {
		have[w] = true
	}
	ws := words(key)
	for _, w := range ws {
		if !have[w] {
			return false
		}
	}
	return len(ws) > 0
}
