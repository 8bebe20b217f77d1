package integrity

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/storetest"
)

// Leftovers of interrupted writes are warnings: listed with their count
// and bytes, never a failure.
func TestLeftoversAreWarnings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Create(ctx, filepath.Join(dir, "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	ch := attest.Change{Actor: "tester", At: time.Now()}
	if err := db.CreateEngagement(ctx, ch, storetest.Engagement("e1"), storetest.Controls(1)); err != nil {
		t.Fatal(err)
	}
	kept, n, _ := bs.Put(strings.NewReader("recorded evidence"))
	if _, err := db.AddEvidence(ctx, ch, []attest.Evidence{{Ref: string(kept), Size: n, MediaType: "text/plain", Name: "a.txt", Controls: []string{"AX-01"}, Method: attest.MethodUpload}}); err != nil {
		t.Fatal(err)
	}
	orphan, _, _ := bs.Put(strings.NewReader("ten bytes!"))
	staged := filepath.Join(dir, "blobs", "tmp", "blob-1")
	os.WriteFile(staged, []byte("half"), 0o600)
	twoDays := time.Now().Add(-48 * time.Hour)
	h := strings.TrimPrefix(string(orphan), "sha256:")
	for _, p := range []string{filepath.Join(dir, "blobs", "sha256", h[:2], h), staged} {
		if err := os.Chtimes(p, twoDays, twoDays); err != nil {
			t.Fatal(err)
		}
	}

	rep, err := Check(ctx, Input{Store: db, Blobs: bs, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || len(rep.Problems) != 0 {
		t.Errorf("leftovers made verification fail: %+v", rep.Problems)
	}
	if len(rep.Warnings) != 2 {
		t.Fatalf("warnings %+v, want one for the orphan and one for the staged file", rep.Warnings)
	}
	o, s := rep.Warnings[0], rep.Warnings[1]
	if o.Kind != OrphanBlobs || o.Count != 1 || o.Bytes != 10 || !strings.Contains(o.Detail, "24 hours") || !strings.Contains(o.Detail, "attest gc --delete") {
		t.Errorf("orphan warning %+v", o)
	}
	if s.Kind != StaleStaged || s.Count != 1 || s.Bytes != 4 || !strings.Contains(s.Detail, "1 hour,") {
		t.Errorf("staged warning %+v", s)
	}

	rep, err = Check(ctx, Input{Store: db, Blobs: bs})
	if err != nil || len(rep.Warnings) != 0 {
		t.Errorf("without a time: %+v %v", rep.Warnings, err)
	}
}
