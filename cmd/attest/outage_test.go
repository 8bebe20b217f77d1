package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pgServer is a PostgreSQL server of the test's own, which the test may
// stop and start.
type pgServer struct {
	bin, dir string
	port     int
	as       []string // runuser -u postgres -- when running as root
}

// startPostgres starts a throwaway PostgreSQL server (initdb and pg_ctl in
// a temporary directory on a free port), as .ci/postgres.sh does. Without
// the binaries the test skips, except under CI.
func startPostgres(t *testing.T) *pgServer {
	t.Helper()
	bin := ""
	if p, err := exec.LookPath("initdb"); err == nil {
		bin = filepath.Dir(p)
	} else if l, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(l) > 0 {
		bin = filepath.Dir(l[len(l)-1])
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PostgreSQL binaries (initdb, pg_ctl) not found: under CI this test must run")
		}
		t.Skip("PostgreSQL binaries (initdb, pg_ctl) not found: install PostgreSQL to run this test")
	}
	dir, err := os.MkdirTemp("", "attest-outage-")
	if err != nil {
		t.Fatal(err)
	}
	pg := &pgServer{bin: bin, dir: dir}
	if os.Getuid() == 0 {
		// initdb refuses to run as root: run the server as postgres.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root and there is no postgres user to run PostgreSQL as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chown(dir, uid, gid)
		pg.as = []string{"runuser", "-u", "postgres", "--"}
	}
	t.Cleanup(func() {
		pg.ctl("-m", "immediate", "stop")
		os.RemoveAll(dir)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pg.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	if out, err := pg.cmd(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "attest", "--auth=trust", "-E", "UTF8").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	pg.start(t)
	return pg
}

func (pg *pgServer) cmd(name string, args ...string) *exec.Cmd {
	if len(pg.as) == 0 {
		return exec.Command(name, args...)
	}
	return exec.Command(pg.as[0], append(append(slices.Clone(pg.as[1:]), name), args...)...)
}

func (pg *pgServer) ctl(args ...string) ([]byte, error) {
	return pg.cmd(filepath.Join(pg.bin, "pg_ctl"), append([]string{"-D", filepath.Join(pg.dir, "data")}, args...)...).CombinedOutput()
}

func (pg *pgServer) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", pg.port, pg.dir)
	if out, err := pg.ctl("-l", filepath.Join(pg.dir, "server.log"), "-w", "-o", opts, "start"); err != nil {
		t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

func (pg *pgServer) stop(t *testing.T) {
	t.Helper()
	if out, err := pg.ctl("-m", "fast", "-w", "stop"); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (pg *pgServer) url() string {
	return fmt.Sprintf("postgres://attest@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=3", pg.port)
}

func getWithToken(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestDatabaseOutage stops PostgreSQL under a running server: requests are
// answered 503 with a clear log line; when PostgreSQL returns the server
// recovers by itself, without a restart.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops PostgreSQL; skipped with -short")
	}
	pg := startPostgres(t)
	dir := t.TempDir()
	team := []string{"--data", "team", "--db", pg.url()}
	mustRun(t, dir, append([]string{"init"}, team...)...)
	mustRun(t, dir, append([]string{"engagement", "create", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31"}, team...)...)
	mustRun(t, dir, append([]string{"user", "add", "--service", "--email", "ci@example.com", "--name", "CI", "--role", "admin"}, team...)...)
	token := decode[map[string]any](t, mustRun(t, dir, append([]string{"token", "create", "--user", "ci@example.com", "--name", "ci", "--json"}, team...)...))["secret"].(string)
	s := startServe(t, dir, append([]string{"--job-poll", "200ms"}, team...)...)
	if code, body := uploadEvidence(s.url, token, "before.txt", "before the outage"); code != 201 {
		t.Fatalf("upload before the outage: %d %s", code, body)
	}

	began := time.Now()
	pg.stop(t)
	t.Logf("PostgreSQL stopped in %s", time.Since(began))
	if code := getWithToken(t, s.url+"/api/v1/evidence", token); code != http.StatusServiceUnavailable {
		t.Errorf("API during the outage: %d, want 503", code)
	}
	if code, body := uploadEvidence(s.url, token, "during.txt", "during the outage"); code != http.StatusServiceUnavailable {
		t.Errorf("upload during the outage: %d %s, want 503", code, body)
	}
	if resp, err := http.Get(s.url + "/readyz"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz during the outage: %v %v, want 503", resp, err)
	}
	if !strings.Contains(s.log.String(), `"msg":"database unavailable"`) {
		t.Errorf("no clear log line for the outage:\n%s", s.log)
	}

	for _, line := range strings.Split(s.log.String(), "\n") {
		if strings.Contains(line, `"database unavailable"`) {
			t.Logf("log: %s", line)
			break
		}
	}
	began = time.Now()
	pg.start(t)
	s.waitReady(t, 30*time.Second)
	t.Logf("ready again %s after PostgreSQL was started", time.Since(began))
	if code := getWithToken(t, s.url+"/api/v1/evidence", token); code != 200 {
		t.Errorf("API after the outage: %d, want 200", code)
	}
	if code, body := uploadEvidence(s.url, token, "after.txt", "after the outage"); code != 201 {
		t.Errorf("upload after the outage: %d %s", code, body)
	}
	s.stop(t)
	if n := evidenceCount(t, dir, team); n != 2 {
		t.Errorf("%d evidence records, want 2 (before and after the outage)", n)
	}
	mustRun(t, dir, append([]string{"verify"}, team...)...)
}
