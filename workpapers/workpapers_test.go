package workpapers

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var (
	ctx = context.Background()
	now = time.Date(2026, 10, 2, 9, 30, 0, 0, time.UTC)
	ch  = attest.Change{Actor: "tester", At: now}
)

// fixture is an engagement's working papers in a real store: a population
// of AX-01 with a completeness check, a binding draw, the auditor's test
// with management's response, management's own test, a request with a
// comment; and, for another engagement, a population the export must
// leave out.
type fixture struct {
	store  *sqlite.DB
	e      *attest.Engagement
	keys   Keys
	pub    string
	signer note.Signer
}

func setup(t *testing.T) *fixture {
	t.Helper()
	s := sqlitetest.Create(t)
	e := storetest.Engagement("e1")
	must(t, s.CreateEngagement(ctx, ch, e, storetest.Controls(2)))
	other := storetest.Controls(3)[2:]
	must(t, s.CreateEngagement(ctx, ch, storetest.Engagement("e2"), other))
	record(t, s)
	// A fixed key, so an export of the same papers is the same bytes.
	priv, pub, err := note.GenerateKey(bytes.NewReader(make([]byte, 64)), "attest-test")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(ctx context.Context) ([]byte, error) {
		return s.Checkpoint(ctx, func(n int64, root tlog.Hash) ([]byte, error) { return ledger.SignWith(signer, n, root) }, now)
	}
	return &fixture{store: s, e: e, keys: Keys{Checkpoint: sign, Signer: signer, PublicKey: pub}, pub: pub, signer: signer}
}

// record adds the working papers.
func record(t *testing.T, s *sqlite.DB) {
	t.Helper()
	pop, err := s.AddPopulation(ctx, ch, attest.Population{ControlID: "AX-01", Ref: "sha256:" + strings.Repeat("ab", 32), Name: "changes.csv", Format: "csv", Rows: 30,
		KeyColumn: "id", DateColumn: "merged_at", FirstDate: "2026-01-10", LastDate: "2026-09-10", Source: "GitHub", Query: "merged PRs", ExtractedBy: "Sam", ExtractedAt: "2026-10-01"})
	must(t, err)
	_, err = s.AddPopulation(ctx, ch, attest.Population{ControlID: "CX-01", Ref: "sha256:" + strings.Repeat("cd", 32), Name: "other.csv", Format: "csv", Rows: 4, KeyColumn: "id"})
	must(t, err)
	_, err = s.AddCompleteness(ctx, ch, attest.Completeness{PopulationID: pop.ID, Method: "control-total", ControlTotal: 30, Matched: 30, Missing: []string{}, Extra: []string{}})
	must(t, err)
	d, err := s.AddDraw(ctx, ch, attest.Draw{EngagementID: "e1", ControlID: "AX-01", PopulationID: pop.ID, Seed: "s-2026", Size: 2, Rule: "table", Items: []string{"CHG-0007", "CHG-0019"}})
	must(t, err)
	test, err := s.AddTest(ctx, ch, attest.Test{EngagementID: "e1", ControlID: "AX-01", Procedures: []string{"inspection", "reperformance"}, DrawID: d.ID,
		Items:      []attest.ItemResult{{Key: "CHG-0007", Result: attest.ResultDeviation, Note: "approved after the merge"}, {Key: "CHG-0019", Result: "no-exception"}},
		Conclusion: attest.ConclusionExceptions, Deviations: "isolated", Wording: "Exception noted."})
	must(t, err)
	_, err = s.AddTest(ctx, ch, attest.Test{EngagementID: "e1", ControlID: "AX-01", Procedures: []string{"inquiry"}, Internal: true, Items: []attest.ItemResult{{Key: "X", Result: "no-exception"}}})
	must(t, err)
	_, err = s.AddResponse(ctx, ch, attest.Response{TestID: test.ID, Text: "The approver was on leave; a backup approver is named since."})
	must(t, err)
	q, err := s.SaveRequest(ctx, ch, attest.Request{EngagementID: "e1", ControlID: "AX-01", Text: "Approvals", Items: []string{"CHG-0007"}, Status: "open"})
	must(t, err)
	_, err = s.AddComment(ctx, ch, attest.Comment{RequestID: q.ID, Text: "Attached."})
	must(t, err)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) build(t *testing.T) []byte {
	t.Helper()
	b, err := Build(ctx, f.store, f.e, f.keys, now)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func verify(t *testing.T, b []byte, key string) *Verification {
	t.Helper()
	res, err := Verify(bytes.NewReader(b), int64(len(b)), key)
	if err != nil {
		return &Verification{Problems: []string{err.Error()}}
	}
	return res
}

// unzip is an export's files by name, and their names in order.
func unzip(t *testing.T, b []byte) (map[string][]byte, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var names []string
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		files[zf.Name] = body
		names = append(names, zf.Name)
	}
	return files, names
}

// rewriteZip rewrites an export, changing it through edit (name → content;
// nil drops the file), and adding extra files.
func rewriteZip(t *testing.T, b []byte, edit func(name string, body []byte) []byte, extra map[string][]byte) []byte {
	t.Helper()
	files, names := unzip(t, b)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		body := files[name]
		if edit != nil {
			body = edit(name, body)
		}
		if body == nil {
			continue
		}
		w, _ := zw.Create(name)
		w.Write(body)
	}
	for name, body := range extra {
		w, _ := zw.Create(name)
		w.Write(body)
	}
	zw.Close()
	return buf.Bytes()
}

// resignManifest rewrites the MANIFEST for the files as they now are.
func resignManifest(t *testing.T, b []byte, signer note.Signer) []byte {
	t.Helper()
	files, names := unzip(t, b)
	head := strings.Join(strings.SplitN(string(files[manifestName]), "\n", 4)[:3], "\n") + "\n"
	var m strings.Builder
	for _, name := range names {
		if name != manifestName {
			sum := sha256.Sum256(files[name])
			fmt.Fprintf(&m, "%s  %s\n", hex.EncodeToString(sum[:]), name)
		}
	}
	signed, err := note.Sign(&note.Note{Text: head + m.String()}, signer)
	if err != nil {
		t.Fatal(err)
	}
	return rewriteZip(t, b, func(n string, body []byte) []byte {
		if n == manifestName {
			return signed
		}
		return body
	}, nil)
}
