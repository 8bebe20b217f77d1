package web

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
	"github.com/gowebpki/jcs"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// An auditor's signed export of their working papers for an engagement: a
// ZIP of JSON files (the engagement, populations with their hashes and
// provenance, completeness checks, draws with seeds and selected items,
// the auditor's tests with results, deviations and conclusions,
// management's responses, requests with their threads), a ledger
// inclusion proof for every recorded entry among them against one signed
// checkpoint, the ledger's public key, and a MANIFEST listing each file's
// SHA-256, signed with the ledger's key. VerifyExport checks one offline
// (attest verify --export FILE.zip).

const (
	manifestName   = "MANIFEST"
	manifestHeader = "attest working papers"
	checkpointName = "checkpoint.txt"
	keyName        = "ledger.pub"
)

// recordFiles are the export's files whose objects carry a ledger_entry
// that VerifyExport ties to its proof.
var recordFiles = []string{"populations.json", "completeness.json", "draws.json", "tests.json", "responses.json", "requests.json"}

const exportReadme = `Working papers exported from Attest
===================================

engagement.json     the engagement: report kind and type, period, report date
controls.json       its controls
populations.json    each population: file name, SHA-256, row count, key and
                    date columns, source, query, who extracted and imported it
completeness.json   how each population was shown to be complete
draws.json          each sample draw: seed, size and its rule, selected items,
                    whether it is the binding draw; re-perform one from the
                    population file and the seed (docs/sampling.md)
tests.json          the service auditor's tests: procedures, item results,
                    deviations, conclusion and its wording
responses.json      management's responses to exceptions
requests.json       evidence requests, the evidence linked and their threads
proofs/ENTRY.json   for every object above with a ledger_entry, the proof that
                    this entry is in the ledger whose signed tree head is
                    checkpoint.txt (attest ledger verify-proof checks one)
checkpoint.txt      the signed checkpoint every proof refers to
ledger.pub          the ledger's public key
MANIFEST            the SHA-256 of every other file, signed with that key

Check the whole export offline, with the public key you received from the
organization (attest ledger key prints it):

    attest verify --export THIS.zip --key 'KEY'

Any changed, added or removed file, a record that differs from its ledger
entry, or a proof that does not hold is reported. The export shows what was
recorded and that it was not changed since; judging the evidence remains the
auditor's work.
`

// exportFile is one file of an export, in order.
type exportFile struct {
	name string
	body []byte
}

func jsonFile(name string, v any) (exportFile, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return exportFile{}, err
	}
	return exportFile{name, append(b, '\n')}, nil
}

// requestRecord is a request with its thread.
type requestRecord struct {
	attest.Request
	Comments []attest.Comment `json:"comments"`
}

// buildExport writes the export's ZIP.
func (s *Server) buildExport(ctx context.Context, e *attest.Engagement) ([]byte, error) {
	if s.cfg.Signer == nil || s.cfg.PublicKey == "" {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no ledger key to sign an export with"}
	}
	st := s.cfg.Store
	ctls, err := st.Controls(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	pops, err := s.populationsOf(ctx, e, "")
	if err != nil {
		return nil, err
	}
	var entries []int64
	complete := []attest.Completeness{}
	for _, p := range pops {
		entries = append(entries, p.Entry)
		cs, err := st.CompletenessChecks(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			complete, entries = append(complete, c), append(entries, c.Entry)
		}
	}
	draws, err := st.Draws(ctx, e.ID, "")
	if err != nil {
		return nil, err
	}
	for _, d := range draws {
		entries = append(entries, d.Entry)
	}
	all, err := st.Tests(ctx, e.ID, "")
	if err != nil {
		return nil, err
	}
	tests, responses := []attest.Test{}, []attest.Response{}
	for _, t := range all {
		if t.Internal {
			continue // management's own tests are not the auditor's working papers
		}
		tests, entries = append(tests, t), append(entries, t.Entry)
		rs, err := st.Responses(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			responses, entries = append(responses, r), append(entries, r.Entry)
		}
	}
	reqs, err := st.Requests(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	requests := []requestRecord{}
	for _, q := range reqs {
		cs, err := st.Comments(ctx, q.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			entries = append(entries, c.Entry)
		}
		requests = append(requests, requestRecord{q, cs})
	}

	signed, err := s.signCheckpoint(ctx)
	if err != nil {
		return nil, err
	}
	cp, err := ledger.Open(signed, s.cfg.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("the server's public key does not verify its own checkpoint: %w", err)
	}
	files := []exportFile{{"README.txt", []byte(exportReadme)}}
	for _, x := range []struct {
		name string
		v    any
	}{{"engagement.json", e}, {"controls.json", ctls}, {"populations.json", pops}, {"completeness.json", complete}, {"draws.json", draws},
		{"tests.json", tests}, {"responses.json", responses}, {"requests.json", requests}} {
		f, err := jsonFile(x.name, x.v)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i] < entries[j] })
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) { return st.ReadHashes(ctx, idx) })
	for i, n := range entries {
		if i > 0 && entries[i-1] == n {
			continue
		}
		var record []byte
		if err := st.ScanLedger(ctx, n, n+1, func(_ int64, rec []byte) error { record = rec; return nil }); err != nil {
			return nil, err
		}
		p, err := ledger.Prove(reader, record, n, cp.Size, signed, 0)
		if err != nil {
			return nil, err
		}
		f, err := jsonFile(fmt.Sprintf("proofs/%08d.json", n), p)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	files = append(files, exportFile{checkpointName, signed}, exportFile{keyName, []byte(s.cfg.PublicKey + "\n")})

	var m strings.Builder
	fmt.Fprintf(&m, "%s\nengagement %s\ncheckpoint %d %s\n", manifestHeader, e.ID, cp.Size, cp.Root)
	for _, f := range files {
		sum := sha256.Sum256(f.body)
		fmt.Fprintf(&m, "%s  %s\n", hex.EncodeToString(sum[:]), f.name)
	}
	manifest, err := note.Sign(&note.Note{Text: m.String()}, s.cfg.Signer)
	if err != nil {
		return nil, err
	}
	files = append(files, exportFile{manifestName, manifest})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: s.cfg.Now().UTC()})
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(f.body); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// export downloads the auditor's working papers.
func (s *Server) export(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	b, err := s.buildExport(r.Context(), e)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("attest-working-papers-%s-%s.zip", e.ID, s.cfg.Now().UTC().Format("20060102T150405Z"))
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", attachment(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
	return nil
}

// ExportCheck is what VerifyExport found.
type ExportCheck struct {
	OK         bool     `json:"ok"`
	Engagement string   `json:"engagement"`
	Files      int      `json:"files"`
	Proofs     int      `json:"proofs"`
	Records    int      `json:"records"` // objects matched to their ledger entries
	Size       int64    `json:"checkpoint_size"`
	Root       string   `json:"checkpoint_root"`
	Key        string   `json:"key"`
	KeyInside  bool     `json:"key_from_export"` // no key was given: the export's own was used
	Problems   []string `json:"problems"`
}

func (c *ExportCheck) add(format string, args ...any) {
	c.Problems = append(c.Problems, fmt.Sprintf(format, args...))
}

// Limits on what VerifyExport reads.
const (
	maxExportFiles = 200000
	maxExportFile  = 256 << 20
)

// VerifyExport checks an export offline: the MANIFEST's signature against
// key (the export's own ledger.pub when key is empty, which proves only
// that the export is consistent with itself), every file against the
// manifest (none changed, added or removed), every proof against the
// signed checkpoint, and every recorded object against its ledger entry.
// Problems are listed in the result; an error means the file could not be
// read as an export at all.
func VerifyExport(r io.ReaderAt, size int64, key string) (*ExportCheck, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "not a ZIP file: %v", err)
	}
	if len(zr.File) > maxExportFiles {
		return nil, attest.Errorf(attest.EINVALID, "%d files is more than an export holds", len(zr.File))
	}
	files := map[string][]byte{}
	res := &ExportCheck{Problems: []string{}}
	var names []string
	for _, f := range zr.File {
		if f.Name != path.Clean(f.Name) || strings.HasPrefix(f.Name, "/") || strings.Contains(f.Name, "..") || strings.ContainsAny(f.Name, "\\\x00\n") {
			res.add("%q is not a file name an export uses", f.Name)
			continue
		}
		if _, dup := files[f.Name]; dup {
			res.add("%s appears twice in the ZIP", f.Name)
			continue
		}
		if f.UncompressedSize64 > maxExportFile {
			res.add("%s is larger than an export's file can be", f.Name)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			res.add("%s cannot be read: %v", f.Name, err)
			continue
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxExportFile+1))
		rc.Close()
		if err != nil {
			res.add("%s cannot be read: %v", f.Name, err)
			continue
		}
		files[f.Name] = b
		names = append(names, f.Name)
	}
	manifest, ok := files[manifestName]
	if !ok {
		return nil, attest.Errorf(attest.EINVALID, "the ZIP has no MANIFEST: it is not an Attest working-papers export")
	}
	if key == "" {
		key, res.KeyInside = strings.TrimSpace(string(files[keyName])), true
	}
	res.Key = strings.TrimSpace(key)
	v, err := note.NewVerifier(res.Key)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "the public key: %v", err)
	}
	n, err := note.Open(manifest, note.VerifierList(v))
	if err != nil {
		res.add("MANIFEST: its signature does not verify with the key %s: %v", v.Name(), err)
		return res, nil
	}
	sc := bufio.NewScanner(strings.NewReader(n.Text))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var head []string
	listed := map[string]string{}
	for sc.Scan() {
		line := sc.Text()
		if len(head) < 3 {
			head = append(head, line)
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 {
			res.add("MANIFEST: line %q is not SHA-256 and a name", line)
			continue
		}
		listed[name] = sum
	}
	var cpSize int64
	var cpRoot string
	if len(head) != 3 || head[0] != manifestHeader || !strings.HasPrefix(head[1], "engagement ") ||
		func() bool { _, err := fmt.Sscanf(head[2], "checkpoint %d %s", &cpSize, &cpRoot); return err != nil }() {
		res.add("MANIFEST: the header is not an Attest export's")
		return res, nil
	}
	res.Engagement = strings.TrimPrefix(head[1], "engagement ")
	for name, want := range listed {
		b, ok := files[name]
		if !ok {
			res.add("%s is listed in the MANIFEST but missing from the export", name)
			continue
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != want {
			res.add("%s was changed: its SHA-256 is not the one the MANIFEST lists", name)
		}
	}
	for _, name := range names {
		if _, ok := listed[name]; !ok && name != manifestName {
			res.add("%s is not listed in the MANIFEST: it was added", name)
		}
	}
	res.Files = len(listed)

	signed := files[checkpointName]
	cp, err := ledger.Open(signed, res.Key)
	if err != nil {
		res.add("%s: %s", checkpointName, attest.ErrorMessage(err))
		return res, nil
	}
	res.Size, res.Root = cp.Size, cp.Root.String()
	if cp.Size != cpSize || cp.Root.String() != cpRoot {
		res.add("%s is not the checkpoint the MANIFEST names", checkpointName)
	}
	entries := map[int64]ledger.Entry{}
	for _, name := range names {
		if !strings.HasPrefix(name, "proofs/") {
			continue
		}
		p, err := ledger.ParseProof(files[name])
		if err != nil {
			res.add("%s: %s", name, attest.ErrorMessage(err))
			continue
		}
		got, err := ledger.Verify(p, res.Key, signed)
		if err != nil {
			res.add("%s: %s", name, attest.ErrorMessage(err))
			continue
		}
		if !ledger.Equal([]byte(p.Checkpoint), signed) {
			res.add("%s refers to another checkpoint than %s", name, checkpointName)
			continue
		}
		entries[got.Entry.Seq] = got.Entry
		res.Proofs++
	}
	for _, name := range recordFiles {
		b, ok := files[name]
		if !ok {
			res.add("%s is missing", name)
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			res.add("%s is not JSON: %v", name, err)
			continue
		}
		walkRecords(doc, func(obj map[string]any, seq int64) {
			e, ok := entries[seq]
			if !ok {
				res.add("%s: the record of ledger entry %d has no proof in the export", name, seq)
				return
			}
			obj["ledger_entry"] = 0
			mine, err1 := canonical(obj)
			theirs, err2 := jcs.Transform(e.Data)
			obj["ledger_entry"] = seq
			if err1 != nil || err2 != nil || !bytes.Equal(mine, theirs) {
				res.add("%s: the record of ledger entry %d differs from what the ledger recorded", name, seq)
				return
			}
			res.Records++
		})
	}
	res.OK = len(res.Problems) == 0
	return res, nil
}

// walkRecords calls fn for every object in v that names its ledger entry.
func walkRecords(v any, fn func(map[string]any, int64)) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walkRecords(e, fn)
		}
	case map[string]any:
		if n, ok := x["ledger_entry"].(json.Number); ok {
			if seq, err := n.Int64(); err == nil {
				fn(x, seq)
				return
			}
		}
		for _, e := range x {
			walkRecords(e, fn)
		}
	}
}

func canonical(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jcs.Transform(b)
}
