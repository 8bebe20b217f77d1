package remote_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/fieldwork/remote"
	"github.com/google/go-cmp/cmp"
)

// sent is one request the fake server received.
type sent struct {
	Path, Auth, Type string
	Body             map[string]any
}

// fake is a server that asks for a signature the first time an act is
// posted, as Attest's does, and answers with answer once it is signed.
type fake struct {
	t      *testing.T
	key    *fieldwork.KeyFile
	seq    int64                       // the statement it offers: seq after prev
	prev   string                      // on engagement e1
	answer func(w http.ResponseWriter) // nil: 201 {"id": 1}
	got    []sent
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		f.t.Errorf("the body is not JSON: %s", b)
	}
	f.got = append(f.got, sent{r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
	if body["statement"] == nil {
		text, _ := auditsig.Encode(auditsig.Body{V: auditsig.Version, Engagement: "e1", Key: f.key.Fingerprint(), Seq: f.seq, Prev: f.prev, Kind: auditsig.KindDraw,
			At: "2026-12-07T09:00:00Z", Auditor: 7, Act: json.RawMessage(`{}`)})
		w.WriteHeader(http.StatusPreconditionRequired)
		json.NewEncoder(w).Encode(map[string]any{"sign": fieldwork.ToSign{Key: f.key.Fingerprint(), Statement: text}})
		return
	}
	if err := auditsig.Check(f.key.Public(), body["statement"].(string), body["signature"].(string)); err != nil {
		f.t.Errorf("the signature sent: %v", err)
	}
	if f.answer != nil {
		f.answer(w)
		return
	}
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, `{"id": 1}`)
}

// client is a client of a fake server, with a new key file.
func client(t *testing.T) (*remote.Client, *fake) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ana.key")
	if _, _, err := auditsig.WriteKeyFiles(path, "Ana"); err != nil {
		t.Fatal(err)
	}
	key, err := fieldwork.OpenKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := &fake{t: t, key: key, seq: 1}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &remote.Client{Server: srv.URL, Token: "tok", Engagement: "e1", Key: key}, f
}

// TestActInTwoSteps: an act is posted with the token, signed when the
// server asks (428) and posted again with the statement and signature;
// the statement is kept in the journal and the answer decoded.
func TestActInTwoSteps(t *testing.T) {
	c, f := client(t)
	out, err := c.Extend(context.Background(), 4, 2, "a deviation")
	if err != nil {
		t.Fatal(err)
	}
	if out["id"] != 1.0 {
		t.Errorf("answer %v", out)
	}
	if len(f.got) != 2 {
		t.Fatalf("%d requests, want 2", len(f.got))
	}
	first, second := f.got[0], f.got[1]
	fp := c.Key.Fingerprint()
	if first.Path != "/api/v1/engagements/e1/draws/4/extensions" || first.Auth != "Bearer tok" || first.Type != "application/json" {
		t.Errorf("first request %+v", first)
	}
	if diff := cmp.Diff(map[string]any{"size": 2.0, "reason": "a deviation", "key": fp}, first.Body); diff != "" {
		t.Errorf("first body (-want +got):\n%s", diff)
	}
	if second.Path != first.Path || second.Body["statement"] == nil || second.Body["key"] != fp {
		t.Errorf("second request %+v", second)
	}
	js, err := c.Key.(*fieldwork.KeyFile).Journal()
	if err != nil || len(js) != 1 || js[0].Statement != second.Body["statement"] || js[0].Signature != second.Body["signature"] {
		t.Errorf("journal %+v %v", js, err)
	}
}

// TestActs: each act's path and body, as the web's routes and forms
// read them.
func TestActs(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		act  func(c *remote.Client) (remote.Answer, error)
		path string
		body map[string]any
	}{
		{"confirm", func(c *remote.Client) (remote.Answer, error) { return c.Confirm(ctx) }, "/auditor-keys/confirm", map[string]any{}},
		{"draw", func(c *remote.Client) (remote.Answer, error) {
			return c.Draw(ctx, fieldwork.DrawRequest{Control: "CHG-02", PopulationID: 3, Seed: "s1", Size: 5, Stratify: "quarter"})
		}, "/draws", map[string]any{"control": "CHG-02", "population": 3.0, "seed": "s1", "size": 5.0, "stratify": "quarter", "reason": ""}},
		{"test", func(c *remote.Client) (remote.Answer, error) {
			return c.RecordTest(ctx, fieldwork.TestRequest{Control: "CHG-02", Procedures: []string{"inspection", "reperformance"}, DrawID: 2,
				Items: []attest.ItemResult{{Key: "A", Result: "no-exception"}, {Key: "B", Result: "deviation", Note: "late: by 2 days"}}, Deviations: "isolated",
				AppliesTo: []string{"e2", "e3"}, From: "2026-01-01", To: "2026-06-30", NotPerformed: true})
		}, "/tests", map[string]any{"control": "CHG-02", "procedure": "inspection,reperformance", "draw": 2.0, "items": "A=no-exception\nB=deviation:late: by 2 days",
			"deviations": "isolated", "applies_to": "e2,e3", "from": "2026-01-01", "to": "2026-06-30", "not_performed": "true",
			"reason": "", "acknowledged": "", "test_of_one": "", "supported_by": ""}},
		{"evaluate", func(c *remote.Client) (remote.Answer, error) {
			return c.Evaluate(ctx, fieldwork.Evaluation{Test: 9, Nature: "isolated", Extension: 4, Conclusion: "isolated"})
		}, "/tests/9/evaluations", map[string]any{"nature": "isolated", "extension": 4.0, "compensating": "", "conclusion": "isolated"}},
		{"population test", func(c *remote.Client) (remote.Answer, error) { return c.TestPopulation(ctx, 3, "agreed the count") }, "/populations/3/tests", map[string]any{"procedure": "agreed the count"}},
		{"review", func(c *remote.Client) (remote.Answer, error) { return c.Review(ctx, 9, "agreed") }, "/tests/9/reviews", map[string]any{"note": "agreed"}},
		{"request", func(c *remote.Client) (remote.Answer, error) {
			return c.CreateRequest(ctx, fieldwork.NewRequest{Control: "CHG-02", Text: "approvals", Items: []string{"A", "B"}, Due: "2026-12-31"})
		}, "/requests", map[string]any{"control": "CHG-02", "text": "approvals", "items": "A,B", "due": "2026-12-31"}},
		{"close", func(c *remote.Client) (remote.Answer, error) { return c.CloseRequest(ctx, 5) }, "/requests/5/close", map[string]any{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, f := client(t)
			if _, err := c.act(cl); err != nil {
				t.Fatal(err)
			}
			got := f.got[0]
			delete(got.Body, "key")
			if got.Path != "/api/v1/engagements/e1"+c.path {
				t.Errorf("path %s, want %s", got.Path, c.path)
			}
			if diff := cmp.Diff(c.body, got.Body); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
	if p := remote.EnrollPage("e1"); p != "/fieldwork/e1/key" {
		t.Errorf("enroll page %s", p)
	}
}

// TestDrawWithoutSeed: the client sends a random seed, which the server
// records.
func TestDrawWithoutSeed(t *testing.T) {
	c, f := client(t)
	if _, err := c.Draw(context.Background(), fieldwork.DrawRequest{Control: "CHG-02"}); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.got[0].Body["seed"].(string); s == "" || f.got[1].Body["seed"] != s {
		t.Errorf("seeds sent %v, %v", f.got[0].Body["seed"], f.got[1].Body["seed"])
	}
}

// TestRefusals: the server's refusals, a server that does not ask for a
// signature, a statement the journal does not continue and a server that
// cannot be reached each end the act with nothing kept.
func TestRefusals(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		setup    func(f *fake)
		server   string // replaces the server's address
		code     string
		message  string
		requests int
	}{
		{"the server's error", func(f *fake) {
			f.answer = func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, `{"error": {"code": "forbidden", "message": "not your engagement", "hint": "ask"}}`)
			}
		}, "", attest.EFORBIDDEN, "not your engagement", 2},
		{"an error without a code", func(f *fake) {
			f.answer = func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error": {"message": "odd"}}`)
			}
		}, "", attest.EINTERNAL, "odd", 2},
		{"a proxy's page", func(f *fake) {
			f.answer = func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusBadGateway)
				io.WriteString(w, "<html>bad gateway</html>")
			}
		}, "", attest.EUNAVAILABLE, "the server answered 502", 2},
		{"a statement that does not continue the journal", func(f *fake) { f.seq, f.prev = 2, "abc" }, "", attest.ECONFLICT, "does not continue your own record", 1},
		{"a server that cannot be reached", nil, "http://127.0.0.1:1", attest.EUNAVAILABLE, "the server did not answer", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, f := client(t)
			if c.setup != nil {
				c.setup(f)
			}
			if c.server != "" {
				cl.Server = c.server
			}
			_, err := cl.Confirm(ctx)
			if attest.ErrorCode(err) != c.code || !strings.Contains(attest.ErrorMessage(err), c.message) {
				t.Errorf("got %v (%s), want %s: %s", err, attest.ErrorCode(err), c.code, c.message)
			}
			if len(f.got) != c.requests {
				t.Errorf("%d requests, want %d", len(f.got), c.requests)
			}
			if js, _ := cl.Key.(*fieldwork.KeyFile).Journal(); len(js) != 0 {
				t.Errorf("kept %+v", js)
			}
		})
	}
}

// TestUnsignedServer: a server that records an act without asking for a
// signature is not one that checks them; nothing is kept.
func TestUnsignedServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": 1}`)
	}))
	defer srv.Close()
	c, _ := client(t)
	c.Server = srv.URL
	if _, err := c.Confirm(context.Background()); err == nil || !strings.Contains(err.Error(), "without asking for a signature") {
		t.Errorf("got %v", err)
	}
	if js, _ := c.Key.(*fieldwork.KeyFile).Journal(); len(js) != 0 {
		t.Errorf("kept %+v", js)
	}
}

// TestAddressError: an address that makes no request is the caller's to
// fix, told apart so that it can name where the address came from.
func TestAddressError(t *testing.T) {
	c, _ := client(t)
	c.Server = "http://bad host"
	_, err := c.Confirm(context.Background())
	var ae *remote.AddressError
	if !errors.As(err, &ae) || !strings.Contains(ae.Err.Error(), "invalid character") {
		t.Errorf("got %v", err)
	}
}

// TestInternalTestNotSent: management's internal test is not a signed
// act.
func TestInternalTestNotSent(t *testing.T) {
	c, f := client(t)
	if _, err := c.RecordTest(context.Background(), fieldwork.TestRequest{Control: "AC-06", Internal: true}); attest.ErrorCode(err) != attest.EINVALID || len(f.got) != 0 {
		t.Errorf("got %v after %d requests", err, len(f.got))
	}
}
