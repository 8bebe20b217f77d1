package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/server"
	"github.com/attest-dev/attest/sqlite"
)

// TestAckAndTrainingCommands: a published policy asked of the roster, one
// acknowledgement recorded outside the portal, a superseded version
// refused naming the rule, a training export imported (an unknown address
// refused by line and field, a second import recording nothing), the
// status of both, and the acknowledgements kept as evidence.
func TestAckAndTrainingCommands(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "init")
	s, err := sqlite.Open(t.Context(), dir+"/attest-data/attest.db")
	if err != nil {
		t.Fatal(err)
	}
	ch := attest.Change{Actor: "test", At: testNow.AddDate(0, 0, -40)}
	acktest.People(t, s, ch, 3, "2025-01-06")
	acktest.Publish(t, s, ch, "acceptable-use", "Acceptable use", "v1")
	acktest.Publish(t, s, ch, "acceptable-use", "Acceptable use", "v2")
	s.Close()

	if r := run(t, dir, "", "ack", "record", "acceptable-use", "--person", "person0@example.com", "--version", "1", "--note", "signed form"); r.code != 2 || !strings.Contains(r.stderr, "acceptable-use version 1 is superseded by version 2: only the version in force is acknowledged") {
		t.Errorf("superseded version: %+v", r)
	}
	mustRun(t, dir, "ack", "record", "acceptable-use", "--person", "person0@example.com", "--version", "2", "--note", "signed form")
	out := mustRun(t, dir, "ack", "status")
	if !strings.Contains(out, "acceptable-use") || !strings.Contains(out, "1 of 3 acknowledgements asked are of the version in force; 2 outstanding, 0 re-acknowledgements due, 2 overdue.") {
		t.Errorf("status:\n%s", out)
	}
	st := decode[map[string]any](t, mustRun(t, dir, "ack", "status", "--person", "person1@example.com", "--json"))
	if tot := st["total"].(map[string]any); tot["outstanding"] != 1.0 || len(st["people"].([]any)) != 1 {
		t.Errorf("one person: %v", st)
	}
	mustRun(t, dir, "ack", "assign", "acceptable-use", "--department", "Sales")
	if out := mustRun(t, dir, "ack", "status", "--policy", "acceptable-use"); !strings.Contains(out, "person1@example.com") || strings.Contains(out, "person0@example.com") {
		t.Errorf("assigned to Sales:\n%s", out)
	}
	if r := run(t, dir, "", "ack", "export", "--evidence"); r.code != 2 || !strings.Contains(r.stderr, "HR-02") {
		t.Errorf("evidence without the controls: %+v", r)
	}

	export := filepath.Join(dir, "lms.csv")
	os.WriteFile(export, []byte("Email,Course,Completed At\nperson0@example.com,Security Awareness,2026-01-10\nstranger@example.com,Security Awareness,2026-01-10\n"), 0o644)
	if r := run(t, dir, "", "training", "import", export); r.code != 2 || !strings.Contains(r.stderr, "lms.csv: line 3: email: no one on the roster has the address stranger@example.com") {
		t.Errorf("unknown address: %+v", r)
	}
	os.WriteFile(export, []byte("Email,Course,Completed At\nperson0@example.com,Security Awareness,2026-01-10\n"), 0o644)
	imp := decode[map[string]any](t, mustRun(t, dir, "training", "import", export, "--json"))
	if imp["recorded"] != 1.0 || len(imp["file_sha256"].(string)) != 64 {
		t.Errorf("import: %v", imp)
	}
	if out := mustRun(t, dir, "training", "import", export); !strings.Contains(out, "Nothing new") {
		t.Errorf("again: %s", out)
	}
	ts := decode[map[string]any](t, mustRun(t, dir, "training", "status", "--json"))
	if ts["current"] != 1.0 || ts["overdue"] != 2.0 {
		t.Errorf("training status: %v", ts)
	}
	cert := filepath.Join(dir, "cert.txt")
	os.WriteFile(cert, []byte("Certificate of completion"), 0o644)
	if r := run(t, dir, "", "training", "record", "--person", "person1@example.com", "--course", "Security Awareness", "--completed", "2026-11-02", "--certificate", cert); r.code != 2 || !strings.Contains(r.stderr, "HR-02") {
		t.Errorf("record without the controls: %+v", r)
	}
	if out := mustRun(t, dir, "verify"); strings.Contains(out, "mismatch") {
		t.Errorf("verify: %s", out)
	}
}

// TestRemindersJob: the job mails each person with something overdue once
// per interval; without the server's mail it fails before recording.
func TestRemindersJob(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "init")
	s, err := sqlite.Open(t.Context(), dir+"/attest-data/attest.db")
	if err != nil {
		t.Fatal(err)
	}
	ch := attest.Change{Actor: "test", At: testNow.AddDate(0, 0, -40)}
	acktest.People(t, s, ch, 2, "2025-01-06")
	acktest.Publish(t, s, ch, "acceptable-use", "Acceptable use", "v1")
	s.Close()
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Now: func() time.Time { return testNow }, Getenv: func(string) string { return "" }}
	m.cfg.dataDir = filepath.Join(dir, "attest-data")
	d, err := m.open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cfg := server.Config{Store: d.db, Blobs: d.blobs, Now: m.Now, Checkpoint: d.checkpoint, Log: slog.New(slog.DiscardHandler)}
	const kind = "portal-reminders"
	job := &attest.Job{ID: 7, Kind: kind, Payload: json.RawMessage(`{"every": "72h"}`)}
	if _, err := jobHandler(t, cfg, nil, "", kind)(t.Context(), job); attest.ErrorCode(err) != attest.EINVALID {
		t.Fatalf("without mail: %v", err)
	}
	out := mail.NewOutbox(nil, nil)
	h := jobHandler(t, cfg, out, "https://attest.example", kind)
	if _, err := h(t.Context(), &attest.Job{ID: 8, Kind: kind, Payload: json.RawMessage(`{"every": "5m"}`)}); attest.ErrorCode(err) != attest.EINVALID {
		t.Fatalf("every 5m: %v", err)
	}
	for range 2 {
		if _, err := h(t.Context(), job); err != nil {
			t.Fatal(err)
		}
	}
	sent := out.Latest() // newest first
	if len(sent) != 2 || !strings.Contains(sent[1].Body, "https://attest.example/portal") || !strings.Contains(sent[1].Body, "Acceptable use") {
		t.Fatalf("sent: %+v", sent)
	}
}
