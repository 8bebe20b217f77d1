package training

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

// Store is what the workflows read and write.
type Store interface {
	PersonByEmail(ctx context.Context, email string) (*attest.Person, error)
	People(ctx context.Context) ([]attest.Person, error)
	Person(ctx context.Context, id int64) (*attest.Person, error)
	RecordCompletions(ctx context.Context, ch attest.Change, typ string, tc attest.TrainingChange, cs []attest.Completion) ([]attest.Completion, error)
	Completions(ctx context.Context, person int64) ([]attest.Completion, error)
}

func forbidden(msg string) error { return &attest.Error{Code: attest.EFORBIDDEN, Message: msg} }

// Imported is what an import recorded.
type Imported struct {
	File     string `json:"file"`
	SHA256   string `json:"file_sha256"`
	Rows     int    `json:"rows"`
	Recorded int    `json:"recorded"`
	// Known are rows already recorded (the same person, course and day),
	// left out: importing the same export twice records nothing new.
	Known int                 `json:"already_recorded"`
	Entry int64               `json:"ledger_entry,omitempty"`
	New   []attest.Completion `json:"-"`
}

// Import records the completions of a provider's export, as one
// transaction with one ledger entry. Every e-mail must be a person on
// the roster: an unknown one is refused by line and field, and nothing
// is recorded. Management only.
func Import(ctx context.Context, s Store, ch attest.Change, actor *attest.User, file string, data []byte) (*Imported, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("only management (an admin or a compliance manager) imports training records")
	}
	rows, err := ReadCSV(file, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	people, err := s.People(ctx)
	if err != nil {
		return nil, err
	}
	byEmail := make(map[string]*attest.Person, len(people))
	for i := range people {
		byEmail[people[i].Email] = &people[i]
	}
	have, err := s.Completions(ctx, 0)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(have))
	for _, c := range have {
		known[completionKey(c.PersonID, c.Course, c.Completed)] = true
	}
	sum := sha256.Sum256(data)
	out := &Imported{File: file, SHA256: hex.EncodeToString(sum[:]), Rows: len(rows)}
	var cs []attest.Completion
	var bad []string
	for _, r := range rows {
		p := byEmail[r.Email]
		if p == nil {
			bad = append(bad, problem(file, r.Line, "email", "no one on the roster has the address "+r.Email))
			continue
		}
		k := completionKey(p.ID, r.Course, r.Completed)
		if known[k] {
			out.Known++
			continue
		}
		known[k] = true
		cs = append(cs, attest.Completion{PersonID: p.ID, Email: p.Email, Course: r.Course, Completed: r.Completed, Score: r.Score,
			Certificate: r.Certificate, Source: fmt.Sprintf("%s line %d", file, r.Line)})
	}
	if len(bad) > 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: strings.Join(bad[:min(len(bad), 20)], "\n"), Hint: "import the roster first, or correct the addresses"}
	}
	if len(cs) == 0 {
		return out, nil
	}
	if out.New, err = s.RecordCompletions(ctx, ch, attest.EntryTrainingImported, attest.TrainingChange{Source: "file " + file, File: out.SHA256}, cs); err != nil {
		return nil, err
	}
	out.Recorded, out.Entry = len(out.New), out.New[0].Entry
	return out, nil
}

func completionKey(person int64, course, day string) string {
	return fmt.Sprintf("%d\x00%s\x00%s", person, strings.ToLower(course), day)
}
