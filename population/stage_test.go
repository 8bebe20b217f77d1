package population

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sample"
)

// memStager keeps what it stages in memory.
type memStager struct {
	staged  []byte
	aborted bool
}

func (m *memStager) Stage(r io.Reader) (*blob.Pending, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	m.staged = b
	return &blob.Pending{Ref: "sha256:staged", Size: int64(len(b))}, nil
}

func (m *memStager) Commit([]*blob.Pending) error { return nil }
func (m *memStager) Abort([]*blob.Pending)        { m.aborted = true }

// FuzzStage checks the import's passes over a file against a plain
// reading of it: the rows counted, the first key that repeats named with
// the line it repeats, every refusal EINVALID and its staged bytes
// dropped, and the bytes staged exactly the file's. sample.FuzzScan fuzzes
// the parser beneath.
func FuzzStage(f *testing.F) {
	f.Add("id,date\nA,2026-01-01\nB,2026-01-02\n", false)
	f.Add("id,date\nA,2026-01-01\nB,2026-01-02\nA,2026-01-03\n", false)
	f.Add(`{"id":"a","date":"2026-01-01"}`+"\n"+`{"id":"a","date":"2026-01-01"}`+"\n", true)
	f.Add("id,date\n", false)
	f.Fuzz(func(t *testing.T, in string, jsonl bool) {
		spec := sample.Spec{Name: "fuzz", Format: sample.CSV, KeyColumn: "id", DateColumn: "date"}
		if jsonl {
			spec.Format = sample.JSONLines
		}
		rows, repeat := 0, ""
		seen := map[string]int{}
		plain := sample.Scan(strings.NewReader(in), spec, func(r sample.Row) error {
			rows++
			if first, ok := seen[r.Key]; ok && repeat == "" {
				repeat = fmt.Sprintf("line %d: key %q repeats line %d", r.Line, r.Key, first)
			} else if !ok {
				seen[r.Key] = r.Line
			}
			return nil
		})
		ms := &memStager{}
		p, st, err := stage(ms, strings.NewReader(in), spec)
		switch {
		case err != nil && attest.ErrorCode(err) != attest.EINVALID:
			t.Fatalf("error code %s: %v", attest.ErrorCode(err), err)
		case err != nil && !ms.aborted:
			t.Fatalf("refused (%v) but the staged bytes were kept", err)
		case plain != nil && err == nil:
			t.Fatalf("accepted what the parser refuses: %v", plain)
		case plain == nil && repeat != "" && (err == nil || !strings.Contains(err.Error(), repeat)):
			t.Fatalf("got %v, want %q", err, repeat)
		case plain == nil && repeat == "" && err != nil:
			t.Fatalf("refused a good file: %v", err)
		case err == nil && (st.rows != rows || p == nil || !bytes.Equal(ms.staged, []byte(in)) || ms.aborted):
			t.Fatalf("rows %d, want %d; staged %q of %q", st.rows, rows, ms.staged, in)
		}
	})
}
