// Package population holds management's workflows over populations, the
// lists of items a control operated on (changes, hires, terminations) that
// the service auditor draws samples from: Import, which records a file
// with its provenance, and Reconcile, which records how one was shown to
// be complete. Both are information produced by the entity (DOMAIN.md
// section 8), so both are management's acts. The adapters open the file,
// call the workflow and render its answer; the rules are here.
package population

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/sample"
)

// MaxSize bounds one population file: 64 GiB. A population is one file
// however many rows it has, so it has its own limit rather than the
// evidence default; the adapter that opens the blob store raises the
// store's limit to it (blob.Store.SetMaxSize), as it sets the evidence
// limit.
const MaxSize = 64 << 30

// Store is what importing a population reads and writes.
type Store interface {
	engagement.Directory
	AddPopulation(ctx context.Context, ch attest.Change, p attest.Population) (*attest.Population, error)
}

// Stager keeps a population's bytes: staged while the file is read, then
// committed, or dropped when the file is refused.
type Stager interface {
	Stage(r io.Reader) (*blob.Pending, error)
	Commit(ps []*blob.Pending) error
	Abort(ps []*blob.Pending)
}

// ImportRequest is a population file with its provenance.
type ImportRequest struct {
	// Control is the control the population is for.
	Control string
	// File is the population's bytes: read once while they are staged, and
	// a second time, from the start, only when some key may repeat.
	File io.ReadSeeker
	// Name is the file's name as the person gave it (a path, say): the
	// messages about its content name it; the population records its last
	// element.
	Name string
	// Format is CSV or JSON lines; empty, from Name (sample.FormatOf).
	Format     sample.Format
	KeyColumn  string
	DateColumn string // optional
	// Provenance: the system it came from, the query or report that
	// produced it, who extracted it and when (YYYY-MM-DD or RFC 3339).
	Source, Query, ExtractedBy, ExtractedAt string
}

// Import records a population for a control, for management: the file
// is streamed once into a staged blob while every row is parsed (a key in
// each, a date where a date column is named, each bad row named by file
// and line), and read a second time only when some key may repeat, to
// name the line it repeats; then its bytes are committed and the
// population recorded with its provenance, its row count, its first and
// last dates and its ledger entry. Memory does not grow with the file. A
// refused file leaves nothing behind: no record, no committed bytes. An
// empty population (a header and no rows) is valid: it is the evidence
// that nothing happened.
func Import(ctx context.Context, s Store, bs Stager, ch attest.Change, actor *attest.User, req ImportRequest) (*attest.Population, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("imports populations")
	}
	spec, err := req.spec()
	if err != nil {
		return nil, err
	}
	control, err := engagement.KnownControl(ctx, s, req.Control)
	if err != nil {
		return nil, err
	}
	pending, st, err := stage(bs, req.File, spec)
	if err != nil {
		return nil, err
	}
	if err := bs.Commit([]*blob.Pending{pending}); err != nil {
		return nil, err
	}
	// Committed: bytes no record refers to, should recording fail, are gc's.
	return s.AddPopulation(ctx, ch, attest.Population{ControlID: control, Ref: string(pending.Ref), Name: filepath.Base(req.Name), Format: string(spec.Format),
		Rows: st.rows, KeyColumn: req.KeyColumn, DateColumn: req.DateColumn, FirstDate: st.first, LastDate: st.last,
		Source: req.Source, Query: req.Query, ExtractedBy: req.ExtractedBy, ExtractedAt: req.ExtractedAt})
}

// spec checks the request and says how to read its file.
func (req ImportRequest) spec() (sample.Spec, error) {
	switch {
	case strings.TrimSpace(req.Control) == "":
		return sample.Spec{}, invalid("control", "say which control the population is for")
	case req.File == nil:
		return sample.Spec{}, invalid("file", "send the population file")
	case req.KeyColumn == "":
		return sample.Spec{}, invalid("key column", "say which column identifies an item")
	case req.ExtractedAt != "" && !ValidTime(req.ExtractedAt):
		return sample.Spec{}, invalid("extracted at", "%q: want YYYY-MM-DD or RFC 3339", req.ExtractedAt)
	}
	spec := sample.Spec{Name: req.Name, Format: req.Format, KeyColumn: req.KeyColumn, DateColumn: req.DateColumn}
	switch spec.Format {
	case "":
		spec.Format = sample.FormatOf(req.Name)
	case sample.CSV, sample.JSONLines:
	default:
		return sample.Spec{}, invalid("format", "%q: want csv or jsonl", spec.Format)
	}
	return spec, nil
}

// ValidTime reports whether s is a date (YYYY-MM-DD) or an RFC 3339
// time: when a population may say it was extracted.
func ValidTime(s string) bool {
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return true
	}
	_, err := attest.ParseDate(s)
	return err == nil
}

// NeedsProvenance reports whether a population lacks part of where it
// came from: the system, the query or report, or who extracted it. The
// auditor will ask how it was produced.
func NeedsProvenance(p *attest.Population) bool {
	return p.Source == "" || p.Query == "" || p.ExtractedBy == ""
}

func forbidden(what string) error {
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "only management (an admin or a compliance manager) " + what}
}

func invalid(field, format string, args ...any) error {
	return attest.Errorf(attest.EINVALID, field+": "+format, args...)
}
