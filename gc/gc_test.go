package gc_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/gc"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/storetest"
	"github.com/google/go-cmp/cmp"
)

var ctx = context.Background()

// fixture is a real SQLite store and filesystem blob store in one folder.
type fixture struct {
	t   *testing.T
	dir string
	db  *sqlite.DB
	bs  *blob.FS
	ch  attest.Change
}

func newFixture(t *testing.T) *fixture {
	dir := t.TempDir()
	db, err := sqlite.Create(ctx, filepath.Join(dir, "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: dir, db: db, bs: bs, ch: attest.Change{Actor: "tester", At: time.Now()}}
	if err := db.CreateEngagement(ctx, f.ch, storetest.Engagement("e1"), storetest.Controls(1)); err != nil {
		t.Fatal(err)
	}
	return f
}

// put stores bytes and makes the blob look written age ago.
func (f *fixture) put(content string, age time.Duration) blob.Ref {
	f.t.Helper()
	ref, _, err := f.bs.Put(strings.NewReader(content))
	if err != nil {
		f.t.Fatal(err)
	}
	f.age(f.blobPath(ref), age)
	return ref
}

func (f *fixture) blobPath(r blob.Ref) string {
	h := strings.TrimPrefix(string(r), "sha256:")
	return filepath.Join(f.dir, "blobs", "sha256", h[:2], h)
}

func (f *fixture) age(path string, age time.Duration) {
	f.t.Helper()
	at := time.Now().Add(-age)
	if err := os.Chtimes(path, at, at); err != nil {
		f.t.Fatal(err)
	}
}

// staged leaves a staged file as a killed writer would.
func (f *fixture) staged(name string, size int, age time.Duration) {
	f.t.Helper()
	p := filepath.Join(f.dir, "blobs", "tmp", name)
	if err := os.WriteFile(p, make([]byte, size), 0o600); err != nil {
		f.t.Fatal(err)
	}
	f.age(p, age)
}

func (f *fixture) evidence(ref blob.Ref, method string) attest.Evidence {
	f.t.Helper()
	added, err := f.db.AddEvidence(ctx, f.ch, []attest.Evidence{{Ref: string(ref), Size: 1, MediaType: "text/plain", Name: "e.txt",
		Controls: []string{"AX-01"}, Date: "2026-02-10", Method: method}})
	if err != nil {
		f.t.Fatal(err)
	}
	return added[0]
}

func (f *fixture) document(ref blob.Ref, kind string) {
	f.t.Helper()
	if _, err := f.db.AddDocument(ctx, f.ch, attest.Document{EngagementID: "e1", Kind: kind, Name: kind + ".bin", Ref: string(ref), Size: 1,
		MediaType: "application/pdf", Meta: map[string]string{"kind": "SOC 2", "title": "A policy", "audience": "public"}}); err != nil {
		f.t.Fatal(err)
	}
}

func refs(g gc.Group) []string {
	out := []string{}
	for _, i := range g.Items {
		out = append(out, string(i.Ref)+i.Name)
	}
	sort.Strings(out)
	return out
}

const old = 72 * time.Hour

// Every kind of record keeps its blob, however old; only bytes nothing
// refers to (a killed write's, a purged item's) are collected.
func TestReferencedBlobsAreNeverCollected(t *testing.T) {
	f := newFixture(t)
	kinds := map[string]func(blob.Ref){
		"evidence":           func(r blob.Ref) { f.evidence(r, attest.MethodUpload) },
		"check-run evidence": func(r blob.Ref) { f.evidence(r, attest.MethodCheck) },
		"collected evidence": func(r blob.Ref) { f.evidence(r, attest.MethodCollector) },
		"retracted evidence": func(r blob.Ref) {
			e := f.evidence(r, attest.MethodUpload)
			if _, err := f.db.RetractEvidence(ctx, f.ch, e.ID, "the wrong quarter"); err != nil {
				t.Fatal(err)
			}
		},
		"population": func(r blob.Ref) {
			if _, err := f.db.AddPopulation(ctx, f.ch, attest.Population{ControlID: "AX-01", Ref: string(r), Name: "changes.csv", Format: "csv", Rows: 3, KeyColumn: "id"}); err != nil {
				t.Fatal(err)
			}
		},
		"description inputs": func(r blob.Ref) { f.document(r, attest.DocDescription) },
		"draft":              func(r blob.Ref) { f.document(r, attest.DocRender) },
		"issued report":      func(r blob.Ref) { f.document(r, attest.DocIssued) },
		"trust document":     func(r blob.Ref) { f.document(r, attest.DocShared) },
	}
	kept := map[string]blob.Ref{}
	for kind, record := range kinds {
		ref := f.put("the bytes of a "+kind, old)
		record(ref)
		kept[kind] = ref
	}
	orphan := f.put("stored by a write killed before it recorded", old)
	purged := f.put("retracted long ago, purged", old)
	e := f.evidence(purged, attest.MethodUpload)
	if _, err := f.db.RetractEvidence(ctx, f.ch, e.ID, "superseded"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.PurgeEvidence(ctx, f.ch, e.ID); err != nil {
		t.Fatal(err)
	}

	res, err := gc.Collect(ctx, f.db, f.bs, gc.Options{Now: time.Now(), Grace: gc.DefaultGrace, Delete: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{string(orphan), string(purged)}
	sort.Strings(want)
	if diff := cmp.Diff(want, refs(res.Orphans)); diff != "" {
		t.Errorf("collected (-want +got):\n%s", diff)
	}
	if res.Referenced != len(kinds) || res.Stored != len(kinds)+2 || res.Young != 0 {
		t.Errorf("referenced %d, stored %d, young %d; want %d, %d, 0", res.Referenced, res.Stored, res.Young, len(kinds), len(kinds)+2)
	}
	for kind, ref := range kept {
		if _, err := f.bs.Verify(ref); err != nil {
			t.Errorf("the blob of a %s: %v", kind, err)
		}
	}
	for _, r := range []blob.Ref{orphan, purged} {
		if f.bs.Has(r) {
			t.Errorf("orphan %s is still stored", r)
		}
	}
}

// A dry run lists and counts, and removes nothing; --delete then removes
// exactly what the dry run listed.
func TestDryRunThenDelete(t *testing.T) {
	f := newFixture(t)
	f.evidence(f.put("recorded", old), attest.MethodUpload)
	orphan := f.put("twelve bytes", old)
	young := f.put("stored a minute ago, perhaps about to be recorded", time.Minute)
	f.staged("blob-stale", 100, 2*time.Hour)
	f.staged("blob-fresh", 50, 10*time.Minute)

	opt := gc.Options{Now: time.Now(), Grace: gc.DefaultGrace}
	dry, err := gc.Collect(ctx, f.db, f.bs, opt)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Deleted || dry.Orphans.Count != 1 || dry.Orphans.Bytes != 12 || dry.Young != 1 || dry.Staged.Count != 1 || dry.Staged.Bytes != 100 {
		t.Errorf("dry run: %+v", dry)
	}
	if diff := cmp.Diff([]string{string(orphan), "blob-stale"}, append(refs(dry.Orphans), refs(dry.Staged)...)); diff != "" {
		t.Errorf("dry run lists (-want +got):\n%s", diff)
	}
	if !f.bs.Has(orphan) {
		t.Fatal("a dry run removed an orphan")
	}
	if files, _ := f.bs.StagedFiles(); len(files) != 2 {
		t.Fatalf("a dry run removed staged files: %+v", files)
	}

	opt.Delete = true
	del, err := gc.Collect(ctx, f.db, f.bs, opt)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(refs(dry.Orphans), refs(del.Orphans)); diff != "" || !del.Deleted || del.Staged.Bytes != 100 {
		t.Errorf("delete removed other orphans than the dry run listed (-dry +delete):\n%s\n%+v", diff, del)
	}
	if f.bs.Has(orphan) || !f.bs.Has(young) {
		t.Errorf("after delete: orphan stored %v, young blob stored %v", f.bs.Has(orphan), f.bs.Has(young))
	}
	files, _ := f.bs.StagedFiles()
	if len(files) != 1 || files[0].Name != "blob-fresh" {
		t.Errorf("staged files left: %+v, want blob-fresh only", files)
	}
	again, err := gc.Collect(ctx, f.db, f.bs, opt)
	if err != nil || again.Orphans.Count != 0 || again.Staged.Count != 0 {
		t.Errorf("a second collection: %+v %v", again, err)
	}
}

// With no grace period, everything unreferenced goes, staged files of any
// age included (what a test or an idle installation wants).
func TestZeroGrace(t *testing.T) {
	f := newFixture(t)
	orphan := f.put("just written", 0)
	f.staged("blob-now", 10, 0)
	res, err := gc.Collect(ctx, f.db, f.bs, gc.Options{Now: time.Now().Add(time.Second), Grace: 0, Delete: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Orphans.Count != 1 || res.Staged.Count != 1 || f.bs.Has(orphan) || res.StagedAge != "0s" {
		t.Errorf("%+v", res)
	}
}

// touching wraps a store: right after listing, a concurrent write stores
// the same bytes again (the filesystem store then makes the blob young).
type touching struct {
	*blob.FS
	ref  blob.Ref
	path string
}

func (s touching) List(fn func(blob.Info) error) error {
	if err := s.FS.List(fn); err != nil {
		return err
	}
	now := time.Now()
	return os.Chtimes(s.path, now, now)
}

// A blob that a concurrent write made young again after the listing is
// not removed: its time is read again just before removal.
func TestBlobMadeYoungDuringCollectionIsKept(t *testing.T) {
	f := newFixture(t)
	ref := f.put("an old orphan a new write is re-adding", old)
	res, err := gc.Collect(ctx, f.db, touching{f.bs, ref, f.blobPath(ref)}, gc.Options{Now: time.Now(), Grace: time.Hour, Delete: true})
	if err != nil {
		t.Fatal(err)
	}
	if !f.bs.Has(ref) || res.Orphans.Count != 0 || res.Young != 1 {
		t.Errorf("stored %v, result %+v", f.bs.Has(ref), res)
	}
}

func TestBadOptions(t *testing.T) {
	f := newFixture(t)
	_, err := gc.Collect(ctx, f.db, f.bs, gc.Options{Now: time.Now(), Grace: -time.Hour})
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "grace -1h") {
		t.Errorf("negative grace: %v", err)
	}
	if _, err := gc.Collect(ctx, f.db, f.bs, gc.Options{Grace: time.Hour}); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("no time: %v", err)
	}
}

func TestStagedAge(t *testing.T) {
	for _, tc := range []struct{ grace, want time.Duration }{
		{24 * time.Hour, time.Hour}, {time.Hour, time.Hour}, {10 * time.Minute, 10 * time.Minute}, {0, 0},
	} {
		if got := gc.StagedAge(tc.grace); got != tc.want {
			t.Errorf("StagedAge(%s) = %s, want %s", tc.grace, got, tc.want)
		}
	}
}

func TestWords(t *testing.T) {
	for d, want := range map[time.Duration]string{24 * time.Hour: "24 hours", time.Hour: "1 hour", 90 * time.Minute: "90 minutes",
		time.Minute: "1 minute", 0: "0 seconds", 90 * time.Second: "1m30s"} {
		if got := gc.Words(d); got != want {
			t.Errorf("Words(%s) = %q, want %q", d, got, want)
		}
	}
}
