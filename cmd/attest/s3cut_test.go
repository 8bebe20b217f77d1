package main

import (
	"crypto/rand"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// cuttingProxy forwards TCP connections to an S3 server and, while cut is
// set, closes each connection after limit bytes of the request: an upload
// broken off half-way, as by a network failure.
type cuttingProxy struct {
	ln     net.Listener
	target string
	limit  int64
	cut    atomic.Bool
	cuts   atomic.Int64
	wg     sync.WaitGroup
}

func startCuttingProxy(t *testing.T, target string, limit int64) *cuttingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cuttingProxy{ln: ln, target: target, limit: limit}
	p.cut.Store(true)
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *cuttingProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.relay(c)
		}()
	}
}

func (p *cuttingProxy) relay(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer up.Close()
	go func() { io.Copy(c, up); c.Close() }()
	if !p.cut.Load() {
		io.Copy(up, c)
		return
	}
	n, _ := io.CopyN(up, c, p.limit)
	if n == p.limit {
		p.cuts.Add(1)
	}
	// Both sides see the connection drop in the middle of the body.
}

// TestS3UploadCutHalfWay breaks evidence uploads to S3 off half-way (a
// proxy closes the connection after 1 MiB), from the CLI and through the
// server, for a single upload and a multipart one: the command fails, no
// evidence record points at a missing object, verify passes, and the same
// upload succeeds once the network is whole again.
func TestS3UploadCutHalfWay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes against S3; skipped with -short")
	}
	url := pgDatabase(t)
	bucket := s3Bucket(t)
	endpoint, err := neturl(os.Getenv("AWS_ENDPOINT_URL"))
	if err != nil {
		t.Fatalf("AWS_ENDPOINT_URL: %v", err)
	}
	proxy := startCuttingProxy(t, endpoint, 1<<20)
	dir := t.TempDir()
	team := []string{"--data", "team", "--db", url, "--blobs", "s3://" + bucket + "/cut"}
	mustRun(t, dir, append([]string{"init"}, team...)...)
	mustRun(t, dir, append([]string{"engagement", "create", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31"}, team...)...)
	for name, size := range map[string]int{"single.bin": 3 << 20, "multipart.bin": 20 << 20} {
		b := make([]byte, size)
		rand.Read(b)
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	viaProxy := append(os.Environ(), "AWS_ENDPOINT_URL=http://"+proxy.ln.Addr().String(), "AWS_MAX_ATTEMPTS=2")
	for _, name := range []string{"single.bin", "multipart.bin"} {
		cmd := exec.Command(binary(t), append([]string{"evidence", "add", "--control", "AC-06", "--file", name, "--date", "2026-03-31"}, team...)...)
		cmd.Dir, cmd.Env = dir, viaProxy
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("%s: the upload through the cutting proxy succeeded: %s", name, out)
		}
		if n := evidenceCount(t, dir, team); n != 0 {
			t.Fatalf("%s: %d evidence records after a broken upload, want 0", name, n)
		}
		mustRun(t, dir, append([]string{"verify"}, team...)...)
	}
	if proxy.cuts.Load() == 0 {
		t.Fatal("the proxy never cut an upload")
	}
	// Through a server: the API answers an error and records nothing.
	mustRun(t, dir, append([]string{"user", "add", "--service", "--email", "ci@example.com", "--name", "CI", "--role", "admin"}, team...)...)
	token := decode[map[string]any](t, mustRun(t, dir, append([]string{"token", "create", "--user", "ci@example.com", "--name", "ci", "--json"}, team...)...))["secret"].(string)
	s := startServeEnv(t, dir, viaProxy, team...)
	big, _ := os.ReadFile(filepath.Join(dir, "single.bin"))
	if code, body := uploadEvidence(s.url, token, "single.bin", string(big)); code < 500 {
		t.Errorf("upload through the server over a cut connection: %d %s, want a server error", code, body)
	}
	s.stop(t)
	if n := evidenceCount(t, dir, team); n != 0 {
		t.Fatalf("%d evidence records after a broken upload through the server, want 0", n)
	}
	mustRun(t, dir, append([]string{"verify"}, team...)...)
	// The network is whole again: the same uploads succeed.
	proxy.cut.Store(false)
	for _, name := range []string{"single.bin", "multipart.bin"} {
		cmd := exec.Command(binary(t), append([]string{"evidence", "add", "--control", "AC-06", "--file", name, "--date", "2026-03-31"}, team...)...)
		cmd.Dir, cmd.Env = dir, viaProxy
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s after the network returned: %v\n%s", name, err, out)
		}
	}
	if n := evidenceCount(t, dir, team); n != 2 {
		t.Errorf("%d evidence records, want 2", n)
	}
	v := decode[map[string]any](t, mustRun(t, dir, append([]string{"verify", "--json"}, team...)...))
	if v["ok"] != true || v["blobs"] != 2.0 {
		t.Errorf("verify: %v", v)
	}
}

// neturl turns http://host:port into host:port.
func neturl(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	if u.Host == "" || !strings.HasPrefix(u.Scheme, "http") {
		return "", &url.Error{Op: "parse", URL: s, Err: os.ErrInvalid}
	}
	return u.Host, nil
}
