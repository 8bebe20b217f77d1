package witness_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/witness"
	"golang.org/x/mod/sumdb/tlog"
)

// signer makes signed checkpoints of one ledger.
type signer struct {
	t         testing.TB
	priv, pub string
}

func newSigner(t testing.TB, name string) *signer {
	priv, pub, err := ledger.GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{t, priv, pub}
}

func (s *signer) sign(size int64) []byte {
	s.t.Helper()
	b, err := ledger.Sign(size, tlog.Hash{byte(size), 7}, s.priv)
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

func sizes(t *testing.T, pub string, notes [][]byte) []int64 {
	t.Helper()
	var out []int64
	for _, n := range notes {
		cp, err := ledger.Open(n, pub)
		if err != nil {
			t.Fatalf("a checkpoint the witness gave back does not verify: %v\n%s", err, n)
		}
		out = append(out, cp.Size)
	}
	return out
}

// conformance is what every witness that gives checkpoints back must do.
func conformance(t *testing.T, w witness.Witness) {
	ctx := context.Background()
	s := newSigner(t, "attest-0000aaaa")
	if got, err := w.Checkpoints(ctx); err != nil || len(got) != 0 {
		t.Fatalf("a new witness holds %d checkpoints (%v)", len(got), err)
	}
	for _, n := range []int64{3, 5, 5, 4, 9} {
		if err := w.Send(ctx, s.sign(n)); err != nil {
			t.Fatalf("send %d: %v", n, err)
		}
	}
	got, err := w.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes(t, s.pub, got)) != "[3 5 4 9]" && fmt.Sprint(sizes(t, s.pub, got)) != "[3 4 5 9]" {
		t.Errorf("the witness holds checkpoints of sizes %v, want 3, 4, 5 and 9 once each", sizes(t, s.pub, got))
	}
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.witness")
	w := witness.NewFile(path)
	if w.Name() != "file:"+path {
		t.Errorf("Name = %q", w.Name())
	}
	conformance(t, w)
	ctx := context.Background()

	// The file is plain signed notes: one alone is what
	// `attest ledger checkpoint --out` writes.
	text, _ := os.ReadFile(path)
	if n, err := witness.Parse(text); err != nil || len(n) != 4 {
		t.Fatalf("the file parses as %d checkpoints: %v\n%s", len(n), err, text)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left beside the witness: %v", leftovers)
	}

	// Another ledger's checkpoint is refused and the file is unchanged.
	other := newSigner(t, "attest-0000bbbb")
	err := w.Send(ctx, other.sign(10))
	if attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "attest-0000aaaa") {
		t.Errorf("another ledger's checkpoint: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, text) {
		t.Error("a refused checkpoint changed the file")
	}

	// A crash in the middle of an append leaves an incomplete record:
	// readers skip it, the next Send cuts it off.
	torn := append(append([]byte{}, text...), s9(t)[:60]...)
	os.WriteFile(path, torn, 0o644)
	if got, err := w.Checkpoints(ctx); err != nil || len(got) != 4 {
		t.Errorf("reading a file with an incomplete last record: %d checkpoints, %v", len(got), err)
	}
	if err := w.Send(ctx, newSigner(t, "attest-0000aaaa").sign(11)); err != nil {
		t.Errorf("send after an incomplete record: %v", err)
	}
	after, _ := os.ReadFile(path)
	if got, err := witness.Parse(after); err != nil || len(got) != 5 || !bytes.HasPrefix(after, text) {
		t.Errorf("after the send: %d checkpoints, %v\n%s", len(got), err, after)
	}

	// A record changed in the middle is an error naming the file and line,
	// and nothing is written after it.
	bad := bytes.Replace(after, []byte("\n\n— "), []byte("\nx\n— "), 1)
	os.WriteFile(path, bad, 0o644)
	if _, err := w.Checkpoints(ctx); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line 5") {
		t.Errorf("reading a file changed in the middle: %v", err)
	}
	if err := w.Send(ctx, newSigner(t, "attest-0000aaaa").sign(12)); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("send onto a file changed in the middle: %v", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, bad) {
		t.Error("a send wrote onto a file changed in the middle")
	}
}

func s9(t *testing.T) []byte { return newSigner(t, "attest-0000aaaa").sign(9) }

func TestFileUnmounted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "not-mounted", "ledger.witness")
	w := witness.NewFile(path)
	s := newSigner(t, "attest-0000aaaa")
	if err := w.Send(context.Background(), s.sign(1)); attest.ErrorCode(err) != attest.EUNAVAILABLE {
		t.Errorf("send into a missing folder: %v", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); err == nil {
		t.Error("the missing folder was created")
	}
	if _, err := w.Checkpoints(context.Background()); attest.ErrorCode(err) != attest.EUNAVAILABLE {
		t.Errorf("read from a missing folder: %v", err)
	}
}

// TestFileConcurrent sends from many writers at once, each with its own
// witness value as separate processes would have: none is lost.
func TestFileConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w")
	s := newSigner(t, "attest-0000aaaa")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := witness.NewFile(path).Send(context.Background(), s.sign(int64(i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := witness.NewFile(path).Checkpoints(context.Background())
	if err != nil || len(got) != 20 {
		t.Errorf("%d of 20 checkpoints kept (%v)", len(got), err)
	}
}

// server is a webhook witness as a user might run one: it keeps what it is
// sent and gives it back on GET (unless receiveOnly).
type server struct {
	mu          sync.Mutex
	notes       [][]byte
	receiveOnly bool
	fail        bool
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.fail:
		http.Error(w, "disk full", http.StatusInternalServerError)
	case r.Method == http.MethodPost:
		if r.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			http.Error(w, "want text/plain", http.StatusUnsupportedMediaType)
			return
		}
		b, _ := io.ReadAll(r.Body)
		for _, n := range s.notes {
			if bytes.Equal(n, b) {
				return
			}
		}
		s.notes = append(s.notes, b)
		w.WriteHeader(http.StatusCreated)
	case r.Method == http.MethodGet && !s.receiveOnly:
		w.Write(witness.Format(s.notes))
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func TestWebhook(t *testing.T) {
	srv := &server{}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	conformance(t, witness.NewWebhook(ts.URL+"/w?token=secret", nil))

	ctx := context.Background()
	s := newSigner(t, "attest-0000aaaa")
	srv.receiveOnly = true
	w := witness.NewWebhook(ts.URL+"/w?token=secret", ts.Client())
	if err := w.Send(ctx, s.sign(12)); err != nil {
		t.Errorf("send to a webhook that only receives: %v", err)
	}
	if _, err := w.Checkpoints(ctx); err != witness.ErrReceiveOnly {
		t.Errorf("Checkpoints of a webhook that only receives: %v", err)
	}
	srv.fail = true
	err := w.Send(ctx, s.sign(13))
	if attest.ErrorCode(err) != attest.EUNAVAILABLE || !strings.Contains(err.Error(), "500") || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("send to a failing webhook: %v", err)
	}
	if strings.Contains(err.Error(), "secret") || w.Name() != ts.URL+"/w?..." {
		t.Errorf("the webhook's query shows: %v, %s", err, w.Name())
	}
	ts.Close()
	if _, err := w.Checkpoints(ctx); attest.ErrorCode(err) != attest.EUNAVAILABLE || strings.Contains(err.Error(), "secret") {
		t.Errorf("a webhook that is down: %v", err)
	}
}

func TestKind(t *testing.T) {
	for loc, want := range map[string]string{
		"file:/mnt/w/attest.witness":    witness.KindFile,
		"https://witness.example/a?b=c": witness.KindWebhook,
		"http://127.0.0.1:9/w":          witness.KindWebhook,
		"s3://bucket/prefix":            witness.KindS3,
		"s3://bucket":                   witness.KindS3,
		"file:relative/path":            "",
		"file:/mnt/w/../x":              "",
		"https://user:pw@host/":         "",
		"ftp://host/x":                  "",
		"/mnt/w/x":                      "",
		"s3:///prefix":                  "",
	} {
		got, err := witness.Kind(loc)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("Kind(%q) = %q, %v; want %q", loc, got, err, want)
		}
	}
}

// TestFileLongHistory: Send reads only the end of a long file, and still
// knows its last checkpoint and where the records end.
func TestFileLongHistory(t *testing.T) {
	s := newSigner(t, "attest-0000aaaa")
	notes := make([][]byte, 3000) // about 600 KB
	for i := range notes {
		notes[i] = s.sign(int64(i))
	}
	path := filepath.Join(t.TempDir(), "w")
	os.WriteFile(path, witness.Format(notes), 0o644)
	w := witness.NewFile(path)
	ctx := context.Background()
	for _, n := range []int64{2999, 3000, 3000} { // the last one again, a new one, it again
		if err := w.Send(ctx, s.sign(n)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := w.Checkpoints(ctx)
	if err != nil || len(got) != 3001 {
		t.Fatalf("%d checkpoints, %v", len(got), err)
	}
	if sz := sizes(t, s.pub, got[2999:]); fmt.Sprint(sz) != "[2999 3000]" {
		t.Errorf("the last checkpoints: %v", sz)
	}
	if err := w.Send(ctx, newSigner(t, "attest-0000bbbb").sign(1)); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("another ledger's checkpoint after a long history: %v", err)
	}
}
