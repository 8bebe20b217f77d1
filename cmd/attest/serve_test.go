package main

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/attest-dev/attest/jobs"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/server"
	"github.com/attest-dev/attest/web"
)

// TestServeShutsDownGracefully runs `attest serve` as a process: its log
// names the server's and the trust center's addresses, and SIGTERM while a
// request is in flight lets that request finish before the process exits 0.
func TestServeShutsDownGracefully(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real process; skipped with -short")
	}
	dir := setup(t)
	cmd := exec.Command(binary(t), "serve", "--addr", "127.0.0.1:0")
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan map[string]any, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var l map[string]any
			if json.Unmarshal(sc.Bytes(), &l) == nil {
				lines <- l
			}
		}
		close(lines)
	}()
	wait := func(msg string) map[string]any {
		t.Helper()
		timeout := time.After(30 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("the log ended before %q", msg)
				}
				if l["msg"] == msg {
					return l
				}
			case <-timeout:
				t.Fatalf("no %q in the log after 30 s", msg)
			}
		}
	}
	serving := wait("serving")
	base, _ := serving["url"].(string)
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || !strings.HasPrefix(u.Host, "127.0.0.1:") || u.Path != "/" {
		t.Fatalf("the log names the address %q", base)
	}
	if got := serving["trust_center"]; got != base+"trust/demo" {
		t.Errorf("the log names the trust center %v, want %s", got, base+"trust/demo")
	}
	resp, err := http.Get(serving["trust_center"].(string))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the trust center the log names: %v %v", resp, err)
	}
	resp.Body.Close()

	// A sign-in whose body is only half sent is in flight.
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	form := "email=nobody%40example.com&password=not-the-password"
	io.WriteString(conn, "POST /login HTTP/1.1\r\nHost: "+u.Host+"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "+strconv.Itoa(len(form))+"\r\n\r\n"+form[:10])
	time.Sleep(200 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wait("shutting down")
	// The log line comes just before the listener closes: new
	// connections are refused soon, while the request is still pending.
	quick := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := quick.Get(base + "healthz")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still takes new connections 10 s after SIGTERM")
		}
	}
	io.WriteString(conn, form[10:])
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	answer, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	body, _ := io.ReadAll(answer.Body)
	if answer.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "Wrong e-mail address or password") {
		t.Errorf("the request in flight: %d %s", answer.StatusCode, body)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("attest serve exited with %v, want 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("attest serve did not exit after SIGTERM")
	}
}

func TestServeSingleSignOnSettings(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	os.WriteFile(secret, []byte("s3cret\n"), 0o600)
	open := filepath.Join(dir, "open")
	os.WriteFile(open, []byte("s3cret\n"), 0o644)
	public, _ := parsePublicURL("https://attest.example.com/")
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "ATTEST_OIDC_CLIENT_SECRET" {
				return v
			}
			return ""
		}
	}
	got, err := ssoFlags{"https://id.example.com", "attest", secret}.config(public, env(""))
	want := &server.SSO{Issuer: "https://id.example.com", ClientID: "attest", ClientSecret: "s3cret"}
	if err != nil || *got != *want {
		t.Errorf("from a file: %+v, %v", got, err)
	}
	wc := server.WebConfig(server.Config{PublicURL: public, SSO: got})
	if wc.OIDC == nil || wc.OIDC.RedirectURL != "https://attest.example.com/login/oidc/callback" || wc.OIDC.ClientSecret != "s3cret" {
		t.Errorf("the web server's single sign-on: %+v", wc.OIDC)
	}
	if got, err := (ssoFlags{"https://id.example.com", "attest", ""}).config(public, env("from-env")); err != nil || got.ClientSecret != "from-env" {
		t.Errorf("from the environment: %+v, %v", got, err)
	}
	if got, err := (ssoFlags{}).config(nil, env("")); got != nil || err != nil {
		t.Errorf("no single sign-on: %+v, %v", got, err)
	}
	for _, tc := range []struct {
		f      ssoFlags
		public *url.URL
		want   string
	}{
		{ssoFlags{"https://id.example.com", "attest", open}, public, "readable by others"},
		{ssoFlags{"https://id.example.com", "attest", filepath.Join(dir, "missing")}, public, "--oidc-client-secret-file"},
		{ssoFlags{"https://id.example.com", "attest", ""}, public, "ATTEST_OIDC_CLIENT_SECRET"},
		{ssoFlags{"https://id.example.com", "", secret}, public, "--oidc-client-id"},
		{ssoFlags{"", "attest", secret}, public, "--oidc-issuer"},
		{ssoFlags{"id.example.com", "attest", secret}, public, "--oidc-issuer"},
		{ssoFlags{"https://id.example.com", "attest", secret}, nil, "--public-url"},
	} {
		if _, err := tc.f.config(tc.public, env("")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error naming %s", tc.f, err, tc.want)
		}
	}
	for _, bad := range []string{"attest.example.com", "ftp://attest.example.com", "https://attest.example.com/?x=1", "https://user:pw@attest.example.com"} {
		if _, err := parsePublicURL(bad); err == nil {
			t.Errorf("--public-url %s accepted", bad)
		}
	}
	r := run(t, setup(t), "", "serve", "--addr", "127.0.0.1:0", "--oidc-issuer", "https://id.example.com", "--oidc-client-id", "attest", "--oidc-client-secret-file", open, "--public-url", "https://attest.example.com")
	if r.code != exitInvalid || !strings.Contains(r.stderr, "readable by others") {
		t.Errorf("serve with a secret others can read: exit %d, %s", r.code, r.stderr)
	}
}

// webConfig is the web server's configuration attest serve would build
// over d with the flags f (for tests that drive the web server in
// process).
func (m *Main) webConfig(d *data, f serveFlags, public *url.URL, sso *server.SSO, log *slog.Logger) (web.Config, error) {
	cfg, err := m.serverConfig(d, f, public, sso, log)
	return server.WebConfig(cfg), err
}

// jobHandler is the server's handler of the job kind over cfg.
func jobHandler(t *testing.T, cfg server.Config, send mail.Mailer, base, kind string) jobs.Handler {
	t.Helper()
	hs, err := server.Handlers(cfg, send, base)
	if err != nil {
		t.Fatal(err)
	}
	return hs[kind]
}
