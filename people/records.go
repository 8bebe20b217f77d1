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
func RecordsOf(s any, now time.Time) Completions {
	rs, ok := s.(RecordsStore)
	if !ok {
		return nil
	}
	return Records{Store: rs, Now: func() time.Time { return now }}
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
	return done, done != "", nil
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
