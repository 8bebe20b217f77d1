package workpapers

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
	"github.com/gowebpki/jcs"
	"golang.org/x/mod/sumdb/note"
)

// Verification is what Verify found.
type Verification struct {
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

func (v *Verification) add(format string, args ...any) {
	v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
}

// Limits on what Verify reads.
const (
	maxFiles    = 200000
	maxFileSize = 256 << 20
)

// Verify checks an export offline: the MANIFEST's signature against key
// (the export's own ledger.pub when key is empty, which proves only that
// the export is consistent with itself), every file against the manifest
// (none changed, added or removed), every proof against the signed
// checkpoint, and every recorded object against its ledger entry.
// Problems are listed in the result; an error means the file could not be
// read as an export at all.
func Verify(r io.ReaderAt, size int64, key string) (*Verification, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "not a ZIP file: %v", err)
	}
	if len(zr.File) > maxFiles {
		return nil, attest.Errorf(attest.EINVALID, "%d files is more than an export holds", len(zr.File))
	}
	res := &Verification{Problems: []string{}}
	files, names := res.read(zr)
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
	head, listed, ok := res.manifest(n.Text)
	if !ok {
		return res, nil
	}
	res.listed(files, names, listed)
	entries, ok := res.proofs(files, names, head)
	if !ok {
		return res, nil
	}
	for _, name := range recordFiles {
		res.records(name, files, entries)
	}
	res.OK = len(res.Problems) == 0
	return res, nil
}

// read reads every file of the ZIP whose name an export can use, once,
// and the names in order.
func (v *Verification) read(zr *zip.Reader) (map[string][]byte, []string) {
	files := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		if f.Name != path.Clean(f.Name) || strings.HasPrefix(f.Name, "/") || strings.Contains(f.Name, "..") || strings.ContainsAny(f.Name, "\\\x00\n") {
			v.add("%q is not a file name an export uses", f.Name)
			continue
		}
		if _, dup := files[f.Name]; dup {
			v.add("%s appears twice in the ZIP", f.Name)
			continue
		}
		if f.UncompressedSize64 > maxFileSize {
			v.add("%s is larger than an export's file can be", f.Name)
			continue
		}
		b, err := readFile(f)
		if err != nil {
			v.add("%s cannot be read: %v", f.Name, err)
			continue
		}
		files[f.Name] = b
		names = append(names, f.Name)
	}
	return files, names
}

func readFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, maxFileSize+1))
}

// checkpointHead is the checkpoint a MANIFEST names.
type checkpointHead struct {
	size int64
	root string
}

// manifest reads the signed MANIFEST's text: the engagement and
// checkpoint of its header, and each listed file's SHA-256. It is not ok
// when the header is not an export's.
func (v *Verification) manifest(text string) (checkpointHead, map[string]string, bool) {
	sc := bufio.NewScanner(strings.NewReader(text))
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
			v.add("MANIFEST: line %q is not SHA-256 and a name", line)
			continue
		}
		listed[name] = sum
	}
	var cp checkpointHead
	if len(head) != 3 || head[0] != manifestHeader || !strings.HasPrefix(head[1], "engagement ") ||
		func() bool { _, err := fmt.Sscanf(head[2], "checkpoint %d %s", &cp.size, &cp.root); return err != nil }() {
		v.add("MANIFEST: the header is not an Attest export's")
		return cp, nil, false
	}
	v.Engagement = strings.TrimPrefix(head[1], "engagement ")
	return cp, listed, true
}

// listed checks the files against the manifest: none missing, changed or
// added.
func (v *Verification) listed(files map[string][]byte, names []string, listed map[string]string) {
	for name, want := range listed {
		b, ok := files[name]
		if !ok {
			v.add("%s is listed in the MANIFEST but missing from the export", name)
			continue
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != want {
			v.add("%s was changed: its SHA-256 is not the one the MANIFEST lists", name)
		}
	}
	for _, name := range names {
		if _, ok := listed[name]; !ok && name != manifestName {
			v.add("%s is not listed in the MANIFEST: it was added", name)
		}
	}
	v.Files = len(listed)
}

// proofs checks the signed checkpoint against the manifest's and every
// proof against the checkpoint, and returns the entries proven, by
// sequence number. It is not ok when the checkpoint does not open.
func (v *Verification) proofs(files map[string][]byte, names []string, head checkpointHead) (map[int64]ledger.Entry, bool) {
	signed := files[checkpointName]
	cp, err := ledger.Open(signed, v.Key)
	if err != nil {
		v.add("%s: %s", checkpointName, attest.ErrorMessage(err))
		return nil, false
	}
	v.Size, v.Root = cp.Size, cp.Root.String()
	if cp.Size != head.size || cp.Root.String() != head.root {
		v.add("%s is not the checkpoint the MANIFEST names", checkpointName)
	}
	entries := map[int64]ledger.Entry{}
	for _, name := range names {
		if !strings.HasPrefix(name, "proofs/") {
			continue
		}
		p, err := ledger.ParseProof(files[name])
		if err != nil {
			v.add("%s: %s", name, attest.ErrorMessage(err))
			continue
		}
		got, err := ledger.Verify(p, v.Key, signed)
		if err != nil {
			v.add("%s: %s", name, attest.ErrorMessage(err))
			continue
		}
		if !ledger.Equal([]byte(p.Checkpoint), signed) {
			v.add("%s refers to another checkpoint than %s", name, checkpointName)
			continue
		}
		entries[got.Entry.Seq] = got.Entry
		v.Proofs++
	}
	return entries, true
}

// records checks every object of the named file that names its ledger
// entry against what the proven entry recorded.
func (v *Verification) records(name string, files map[string][]byte, entries map[int64]ledger.Entry) {
	b, ok := files[name]
	if !ok {
		v.add("%s is missing", name)
		return
	}
	doc, err := decode(b)
	if err != nil {
		v.add("%s is not JSON: %v", name, err)
		return
	}
	walkRecords(doc, func(obj map[string]any, seq int64) {
		e, ok := entries[seq]
		if !ok {
			v.add("%s: the record of ledger entry %d has no proof in the export", name, seq)
			return
		}
		obj["ledger_entry"] = 0
		mine, err1 := canonical(obj)
		theirs, err2 := jcs.Transform(e.Data)
		obj["ledger_entry"] = seq
		if err1 != nil || err2 != nil || !bytes.Equal(mine, theirs) {
			v.add("%s: the record of ledger entry %d differs from what the ledger recorded", name, seq)
			return
		}
		v.Records++
	})
}

// decode reads a JSON document keeping its numbers as written.
func decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	err := dec.Decode(&doc)
	return doc, err
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
