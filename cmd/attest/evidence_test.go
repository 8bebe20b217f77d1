package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// setup makes a data directory with a SOC 2 Type 2 engagement over 2026.
func setup(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustRun(t, dir, "init")
	mustRun(t, dir, "engagement", "create", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31")
	return dir
}

// addAuditor gives the auditor an account, names it on the engagement,
// and makes, enrolls and confirms the auditor's signing key (keyOf).
func addAuditor(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@cpa.example"
	mustRun(t, dir, "user", "add", "--email", email, "--name", name, "--role", "auditor")
	mustRun(t, dir, append([]string{"engagement", "auditor", "add", name, "--user", email}, args...)...)
	enrollKey(t, dir, name)
}

// enrollKey makes the named auditor's key, enrolls and confirms it.
func enrollKey(t *testing.T, dir, name string) {
	t.Helper()
	key := keyOf(dir, name)[1]
	mustRun(t, dir, "auditor", "keygen", "--out", key, "--name", name)
	mustRun(t, dir, "engagement", "auditor", "enroll", "--public-key", key+".pub") // the name from the key's comment
	mustRun(t, dir, "engagement", "auditor", "confirm", "--auditor-key", key)
}

// keyOf is the flag that signs with the auditor's key (kept apart from the
// data directory, as on the auditor's own machine).
func keyOf(dir, name string) []string {
	return []string{"--auditor-key", filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"-"+strings.ToLower(strings.ReplaceAll(name, " ", "-"))+".key")}
}

func TestEvidenceAdd(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "review.txt", "Q1 access review: 41 users, 2 removed")
	added := decode[[]map[string]any](t, mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--control", "ac-04", "--file", "review.txt", "--date", "2026-03-31", "--note", "signed by CTO", "--json"))
	e := added[0]
	if e["id"] != 1.0 || len(e["ref"].(string)) != 71 || !strings.HasPrefix(e["ref"].(string), "sha256:") {
		t.Errorf("added %v", e)
	}
	if e["media_type"] != "text/plain; charset=utf-8" || e["date"] != "2026-03-31" || e["method"] != "upload" || e["added_by"] == "" {
		t.Errorf("added %v", e)
	}
	// The same bytes again: a second record, one blob.
	mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "review.txt", "--date", "2026-06-30", "--as", "dana")
	list := decode[[]map[string]any](t, mustRun(t, dir, "evidence", "list", "--control", "AC-06", "--json"))
	if len(list) != 2 || list[1]["added_by"] != "dana" || list[0]["ref"] != list[1]["ref"] {
		t.Errorf("list %v", list)
	}
	os.MkdirAll(filepath.Join(dir, "batch", "sub"), 0o755)
	for _, n := range []string{"batch/a.csv", "batch/b.json", "batch/sub/c.pdf"} {
		writeFile(t, dir, n, "content of "+n)
	}
	batch := decode[[]map[string]any](t, mustRun(t, dir, "evidence", "add", "--control", "OPS-07", "--dir", "batch", "--covers", "2026-01-01..2026-03-31", "--json"))
	if len(batch) != 3 || batch[0]["covers_start"] != "2026-01-01" || batch[2]["name"] != "c.pdf" {
		t.Errorf("batch %v", batch)
	}
	show := decode[map[string]any](t, mustRun(t, dir, "evidence", "show", "1", "--json"))
	if show["intact"] != true {
		t.Errorf("show %v", show)
	}
	r := decode[map[string]any](t, mustRun(t, dir, "evidence", "retract", "2", "--reason", "duplicate upload", "--json"))
	if r["retraction"].(map[string]any)["reason"] != "duplicate upload" {
		t.Errorf("retract %v", r)
	}
	if l := decode[[]map[string]any](t, mustRun(t, dir, "evidence", "list", "--json")); len(l) != 4 {
		t.Errorf("%d items listed without retracted, want 4", len(l))
	}
	if l := decode[[]map[string]any](t, mustRun(t, dir, "evidence", "list", "--all", "--json")); len(l) != 5 {
		t.Errorf("%d items listed with retracted, want 5", len(l))
	}
	// Purge: nothing is old enough by default; with a zero retention the
	// retracted item is purged, but its bytes stay for item 1 that shares them.
	if p := decode[map[string]any](t, mustRun(t, dir, "evidence", "purge", "--json")); len(p["purged"].([]any)) != 0 {
		t.Errorf("default retention purged %v", p)
	}
	if p := decode[map[string]any](t, mustRun(t, dir, "evidence", "purge", "--older-than-days", "0", "--json")); len(p["purged"].([]any)) != 1 {
		t.Errorf("purge %v", p)
	}
	if s := decode[map[string]any](t, mustRun(t, dir, "evidence", "show", "1", "--json")); s["intact"] != true {
		t.Errorf("shared bytes were removed: %v", s)
	}
	v := decode[map[string]any](t, mustRun(t, dir, "verify", "--json"))
	hasKeys(t, "verify", v, "ok", "entries", "blobs", "problems")
	if v["ok"] != true || v["blobs"] != 4.0 {
		t.Errorf("verify %v", v)
	}
}

func TestEvidenceDateHint(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "q3.txt", "Q3 review")
	// Today is 2026-11-22: Q3 ended 2026-09-30 and was due 2026-10-30, so no
	// hint; a monthly control due 30 days after October's end gets one.
	r := run(t, dir, "", "evidence", "add", "--control", "AC-06", "--file", "q3.txt")
	if r.code != 0 || strings.Contains(r.stderr, "--covers") {
		t.Errorf("no hint expected: %+v", r)
	}
	mustRun(t, dir, "controls", "set", "AC-06", "--frequency", "monthly", "--due-days", "30")
	r = run(t, dir, "", "evidence", "add", "--control", "AC-06", "--file", "q3.txt")
	if r.code != 0 || !strings.Contains(r.stderr, "2026-10-01 to 2026-10-31 is due by 2026-11-30") || !strings.Contains(r.stderr, "--covers 2026-10-31") {
		t.Errorf("hint: %+v", r)
	}
}

func TestEvidenceBadInput(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "f.txt", "x")
	writeFile(t, dir, "setup.exe", "anything")
	writeFile(t, dir, "review.pdf", "MZ\x90\x00 a Windows program")
	os.WriteFile(filepath.Join(dir, "big.bin"), bytes.Repeat([]byte{7}, 2<<20), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--control", "AC-06", "--file", "missing.txt"}, "missing.txt"},
		{[]string{"--control", "ZZ-01", "--file", "f.txt"}, "no such control: ZZ-01"},
		{[]string{"--file", "f.txt"}, "--control"},
		{[]string{"--control", "AC-06"}, "--file"},
		{[]string{"--control", "AC-06", "--file", "f.txt", "--dir", "."}, "not both"},
		{[]string{"--control", "AC-06", "--file", "f.txt", "--date", "2999-01-01"}, "in the future"},
		{[]string{"--control", "AC-06", "--file", "f.txt", "--date", "31/03/2026"}, "want YYYY-MM-DD"},
		{[]string{"--control", "AC-06", "--file", "f.txt", "--covers", "2026-03-31..2026-01-01"}, "ends before it starts"},
		{[]string{"--control", "AC-06", "--file", "f.txt", "--date", "2026-01-01", "--covers", "2026-01-01..2026-01-02"}, "not both"},
		{[]string{"--control", "AC-06", "--file", "f.txt", "--file", "big.bin", "--max-size", "1"}, "big.bin: file is larger than the 1 MiB limit"},
		// Programs are refused here as on the web, by type or by content.
		{[]string{"--control", "AC-06", "--file", "f.txt", "--file", "setup.exe"}, "setup.exe: .exe files are programs, not evidence"},
		{[]string{"--control", "AC-06", "--file", "review.pdf"}, "review.pdf: a program, not evidence"},
	}
	for _, tt := range tests {
		r := run(t, dir, "", append([]string{"evidence", "add"}, tt.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("evidence add %v: exit %d, %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if l := decode[[]map[string]any](t, mustRun(t, dir, "evidence", "list", "--all", "--json")); len(l) != 0 {
		t.Errorf("refused adds recorded %d items", len(l))
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "attest-data", "blobs", "tmp")); len(entries) != 0 {
		t.Errorf("refused adds left %d temporary files", len(entries))
	}
	if r := run(t, dir, "", "evidence", "show", "99"); r.code != 2 || !strings.Contains(r.stderr, "no such evidence: 99 (see `attest evidence list`)") {
		t.Errorf("show missing: %+v", r)
	}
	if r := run(t, dir, "", "evidence", "retract", "1"); r.code != 2 {
		t.Errorf("retract without reason: %+v", r)
	}
}

func TestLedgerProofsAndExport(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "a.txt", "first")
	mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "a.txt", "--date", "2026-03-31")
	cp := decode[map[string]any](t, mustRun(t, dir, "ledger", "checkpoint", "--out", "old.txt", "--json"))
	hasKeys(t, "checkpoint", cp, "origin", "size", "root", "note")
	if cp["size"] != 2.0 || !strings.HasPrefix(cp["note"].(string), cp["origin"].(string)+"\n2\n") {
		t.Errorf("checkpoint %v", cp)
	}
	writeFile(t, dir, "b.txt", "second")
	mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "b.txt", "--date", "2026-06-30")
	mustRun(t, dir, "ledger", "prove", "--entry", "1", "--checkpoint", "old.txt", "--out", "proof.json")
	mustRun(t, dir, "ledger", "key", "--json")
	key := filepath.Join("attest-data", "keys", "ledger.pub")
	// The auditor's side needs no data directory.
	aud := t.TempDir()
	for _, f := range []string{"old.txt", "proof.json"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		os.WriteFile(filepath.Join(aud, f), b, 0o644)
	}
	pub, _ := os.ReadFile(filepath.Join(dir, key))
	out := mustRun(t, aud, "ledger", "verify-proof", "--key", strings.TrimSpace(string(pub)), "--checkpoint", "old.txt", "--proof", "proof.json")
	if !strings.Contains(out, "OK: entry 1 (evidence.added") {
		t.Errorf("verify-proof: %s", out)
	}
	// A changed proof fails with exit 1.
	b, _ := os.ReadFile(filepath.Join(aud, "proof.json"))
	os.WriteFile(filepath.Join(aud, "bad.json"), bytes.Replace(b, []byte(`"entry": 1`), []byte(`"entry": 0`), 1), 0o644)
	if r := run(t, aud, "", "ledger", "verify-proof", "--key", string(pub), "--checkpoint", "old.txt", "--proof", "bad.json"); r.code != 1 || !strings.Contains(r.stderr, "FAILED") {
		t.Errorf("changed proof: %+v", r)
	}
	if r := run(t, aud, "", "ledger", "verify-proof", "--key", string(pub), "--checkpoint", "old.txt", "--proof", "old.txt"); r.code != 2 {
		t.Errorf("unreadable proof: %+v", r)
	}
	if r := run(t, dir, "", "ledger", "prove", "--entry", "99"); r.code != 2 || !strings.Contains(r.stderr, "no entry 99") {
		t.Errorf("prove missing entry: %+v", r)
	}
	// Export: files, manifest, checkpoint, key and a proof per item.
	mustRun(t, dir, "evidence", "export", "--out", "export")
	manifest := decode[[]map[string]any](t, readFile(t, dir, "export/manifest.json"))
	if len(manifest) != 2 || readFile(t, dir, "export/"+manifest[0]["file"].(string)) != "first" {
		t.Fatalf("manifest %v", manifest)
	}
	exp := filepath.Join(dir, "export")
	mustRun(t, exp, "ledger", "verify-proof", "--key", "ledger.pub", "--checkpoint", "checkpoint", "--proof", manifest[1]["proof"].(string))
	if r := run(t, dir, "", "evidence", "export", "--out", "export"); r.code != 2 || !strings.Contains(r.stderr, "not empty") {
		t.Errorf("export into a non-empty folder: %+v", r)
	}
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tamper runs SQL against the data directory's database behind Attest's back.
func tamper(t *testing.T, dir string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "attest-data", "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	prepare := func(t *testing.T) string {
		dir := setup(t)
		for i, n := range []string{"a.txt", "b.txt", "c.txt"} {
			writeFile(t, dir, n, "evidence "+n)
			mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", n, "--date", []string{"2026-03-31", "2026-06-30", "2026-09-30"}[i])
		}
		mustRun(t, dir, "verify")
		return dir
	}
	// Entries: 0 engagement.created, 1-3 evidence.added.
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
		kind   string
		entry  float64
	}{
		{"flipped blob byte", func(t *testing.T, dir string) {
			var ref string
			db, _ := sql.Open("sqlite", filepath.Join(dir, "attest-data", "attest.db"))
			db.QueryRow(`SELECT ref FROM evidence WHERE id = 2`).Scan(&ref)
			db.Close()
			p := filepath.Join(dir, "attest-data", "blobs", "sha256", ref[7:9], ref[7:])
			os.Chmod(p, 0o600)
			b, _ := os.ReadFile(p)
			b[0] ^= 1
			os.WriteFile(p, b, 0o600)
		}, "blob_changed", 2},
		{"deleted blob", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, "attest-data", "blobs", "sha256"))
		}, "blob_missing", 1},
		{"edited ledger entry", func(t *testing.T, dir string) {
			tamper(t, dir, `UPDATE ledger_entries SET record = replace(record, '"2026-06-30"', '"2026-05-30"') WHERE seq = 2`)
		}, "entry_changed", 2},
		{"deleted ledger entry", func(t *testing.T, dir string) {
			tamper(t, dir, `DELETE FROM ledger_entries WHERE seq = 1`)
		}, "entry_missing", 1},
		{"reordered entries", func(t *testing.T, dir string) {
			tamper(t, dir, `UPDATE ledger_entries SET seq = -1 WHERE seq = 2`, `UPDATE ledger_entries SET seq = 2 WHERE seq = 3`, `UPDATE ledger_entries SET seq = 3 WHERE seq = -1`)
		}, "entry_out_of_order", 2},
		{"truncated log", func(t *testing.T, dir string) {
			tamper(t, dir, `DELETE FROM ledger_entries WHERE seq = 3`, `DELETE FROM ledger_hashes WHERE idx >= 4`, `DELETE FROM evidence WHERE id = 3`)
		}, "truncated", 3},
		{"edited evidence row", func(t *testing.T, dir string) {
			tamper(t, dir, `UPDATE evidence SET date = '2026-01-15' WHERE id = 1`)
		}, "record_mismatch", 1},
		{"unrecorded evidence row", func(t *testing.T, dir string) {
			tamper(t, dir, `INSERT INTO evidence (id, ref, size, media_type, name, added_by, added_at, method, entry) SELECT 9, ref, size, media_type, 'x', 'x', added_at, method, 99 FROM evidence WHERE id = 1`)
		}, "unrecorded", -1},
		{"rewritten entry and hashes", func(t *testing.T, dir string) {
			// Rewrite the entry and drop every stored hash: only the signed
			// checkpoints can tell.
			tamper(t, dir, `UPDATE ledger_entries SET record = replace(record, 'AC-06', 'AC-04') WHERE seq = 1`, `UPDATE ledger_hashes SET hash = zeroblob(32)`)
		}, "tree_mismatch", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := prepare(t)
			tt.change(t, dir)
			r := run(t, dir, "", "verify", "--json")
			if r.code != 1 {
				t.Fatalf("exit %d, want 1: %s %s", r.code, r.stdout, r.stderr)
			}
			rep := decode[map[string]any](t, r.stdout)
			found := false
			for _, p := range rep["problems"].([]any) {
				pm := p.(map[string]any)
				if pm["kind"] == tt.kind && pm["entry"] == tt.entry {
					found = true
				}
			}
			if rep["ok"] != false || !found {
				t.Errorf("want a %s problem at entry %v, got %v", tt.kind, tt.entry, rep["problems"])
			}
			human := run(t, dir, "", "verify")
			if human.code != 1 || !strings.Contains(human.stdout, tt.kind) {
				t.Errorf("human report: %s", human.stdout)
			}
		})
	}
}

func TestPeriodStatus(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "r.txt", "review")
	mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "r.txt", "--date", "2026-03-31")
	out := mustRun(t, dir, "period", "status", "--control", "AC-06", "--json")
	var top map[string]any = decode[map[string]any](t, out)
	hasKeys(t, "period status", top, "period", "controls")
	c := top["controls"].([]any)[0].(map[string]any)
	hasKeys(t, "control", c, "id", "frequency", "expected", "present", "late", "missed", "not_required", "upcoming", "coverage")
	// Added today (2026-11-22), long after the Q1 due date: late.
	if c["expected"] != 4.0 || c["present"] != 0.0 || len(c["late"].([]any)) != 1 || len(c["missed"].([]any)) != 2 || c["upcoming"] != 1.0 {
		t.Errorf("AC-06 %v", c)
	}
	late := c["late"].([]any)[0].(map[string]any)
	if late["start"] != "2026-01-01" || late["end"] != "2026-03-31" || late["due"] != "2026-04-30" {
		t.Errorf("late %v", late)
	}
	// As of a date before the evidence was added, Q1 is missed.
	past := decode[map[string]any](t, mustRun(t, dir, "period", "status", "--control", "AC-06", "--as-of", "2026-05-15", "--json"))
	if pc := past["controls"].([]any)[0].(map[string]any); len(pc["missed"].([]any)) != 1 || pc["upcoming"] != 3.0 {
		t.Errorf("as of 05-15: %v", pc)
	}
	// Event populations and not-required records.
	writeFile(t, dir, "leavers.csv", "id,date,description\nT-1,2026-02-03,left\nT-2,2026-11-21,left\n")
	imp := decode[map[string]any](t, mustRun(t, dir, "period", "events", "import", "--control", "AC-04", "--file", "leavers.csv", "--json"))
	if imp["added"] != 2.0 {
		t.Errorf("import %v", imp)
	}
	writeFile(t, dir, "bad.csv", "id,date\nT-3,2026-02-30\n")
	if r := run(t, dir, "", "period", "events", "import", "--control", "AC-04", "--file", "bad.csv"); r.code != 2 || !strings.Contains(r.stderr, "bad.csv: line 2: date") {
		t.Errorf("bad events: %+v", r)
	}
	writeFile(t, dir, "nohdr.csv", "T-3,2026-02-03\n")
	if r := run(t, dir, "", "period", "events", "import", "--control", "AC-04", "--file", "nohdr.csv"); r.code != 2 || !strings.Contains(r.stderr, "line 1") {
		t.Errorf("no header: %+v", r)
	}
	mustRun(t, dir, "period", "not-required", "--control", "INC-02", "--window", "2026-01-01..2026-11-22", "--reason", "no incidents in the period")
	st := decode[map[string]any](t, mustRun(t, dir, "period", "status", "--json"))
	for _, x := range st["controls"].([]any) {
		c := x.(map[string]any)
		switch c["id"] {
		case "AC-04":
			if c["expected"] != 2.0 || len(c["missed"].([]any)) != 1 || c["upcoming"] != 1.0 {
				t.Errorf("AC-04 %v", c)
			}
		case "INC-02":
			if c["expected"] != 1.0 || c["not_required"] != 1.0 || c["coverage"] != 1.0 {
				t.Errorf("INC-02 %v", c)
			}
		}
	}
	human := mustRun(t, dir, "period", "status", "--control", "AC-06")
	if !strings.Contains(human, "late:   2026-01-01 to 2026-03-31, due 2026-04-30") {
		t.Errorf("human:\n%s", human)
	}
	mustRun(t, dir, "verify")
}

func TestPurgeRemovesBytes(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "old.txt", "superseded policy")
	mustRun(t, dir, "evidence", "add", "--control", "GOV-05", "--file", "old.txt", "--date", "2026-01-10")
	if r := run(t, dir, "", "evidence", "purge", "--older-than-days", "0"); r.code != 0 || !strings.Contains(r.stdout, "0 retracted") {
		t.Errorf("purge of unretracted evidence: %+v", r)
	}
	mustRun(t, dir, "evidence", "retract", "1", "--reason", "superseded")
	mustRun(t, dir, "evidence", "purge", "--older-than-days", "0", "--dry-run")
	if s := decode[map[string]any](t, mustRun(t, dir, "evidence", "show", "1", "--json")); s["intact"] != true {
		t.Errorf("a dry run removed bytes: %v", s)
	}
	mustRun(t, dir, "evidence", "purge", "--older-than-days", "0")
	blobs := 0
	filepath.WalkDir(filepath.Join(dir, "attest-data", "blobs", "sha256"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			blobs++
		}
		return nil
	})
	if blobs != 0 {
		t.Errorf("%d blobs left after the purge", blobs)
	}
	if out := mustRun(t, dir, "evidence", "show", "1"); !strings.Contains(out, "purged on") {
		t.Errorf("show: %s", out)
	}
	v := decode[map[string]any](t, mustRun(t, dir, "verify", "--json"))
	if v["ok"] != true {
		t.Errorf("verify after a purge: %v", v)
	}
}

// Purging a retracted item's bytes keeps them while any other record needs
// them: here a population imported from the very same file.
func TestPurgeKeepsBytesAPopulationNeeds(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "changes.csv", changesCSV(20, 0))
	mustRun(t, dir, "evidence", "add", "--control", "CHG-02", "--file", "changes.csv", "--date", "2026-03-31")
	mustRun(t, dir, "population", "import", "--control", "CHG-02", "--file", "changes.csv", "--key", "id", "--date", "merged")
	mustRun(t, dir, "evidence", "retract", "1", "--reason", "uploaded as evidence by mistake")
	if p := decode[map[string]any](t, mustRun(t, dir, "evidence", "purge", "--older-than-days", "0", "--json")); len(p["purged"].([]any)) != 1 {
		t.Fatalf("purge %v", p)
	}
	if v := decode[map[string]any](t, mustRun(t, dir, "verify", "--json")); v["ok"] != true {
		t.Errorf("the population lost its bytes: %v", v["problems"])
	}
}

// An empty file is refused as evidence unless --allow-empty says it is
// meant, and nothing is recorded when it is refused.
func TestEmptyEvidenceNeedsAllowEmpty(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "empty.txt", "")
	writeFile(t, dir, "full.txt", "Q1 review")
	if r := run(t, dir, "", "evidence", "add", "--control", "AC-06", "--file", "full.txt", "--file", "empty.txt", "--date", "2026-03-31"); r.code != 2 || !strings.Contains(r.stderr, "empty.txt is empty") {
		t.Errorf("empty file: %+v", r)
	}
	if l := decode[[]map[string]any](t, mustRun(t, dir, "evidence", "list", "--json")); len(l) != 0 {
		t.Errorf("a refused add recorded %d items", len(l))
	}
	mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "empty.txt", "--date", "2026-03-31", "--allow-empty")
}

// Evidence dated outside the engagement's period is accepted with a
// warning; more than a year outside is refused unless --force says the
// date is right.
func TestEvidenceDatedOutsideThePeriod(t *testing.T) {
	dir := setup(t) // the period is 2026-01-01..2026-12-31
	writeFile(t, dir, "r.txt", "review")
	if r := run(t, dir, "", "evidence", "add", "--control", "AC-06", "--file", "r.txt", "--date", "2020-03-31"); r.code != 2 || !strings.Contains(r.stderr, "more than a year") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("six years before: %+v", r)
	}
	if r := run(t, dir, "", "evidence", "add", "--control", "AC-06", "--file", "r.txt", "--date", "2025-11-30"); r.code != 0 || !strings.Contains(r.stderr, "32 days outside") {
		t.Errorf("a month before: %+v", r)
	}
	if r := run(t, dir, "", "evidence", "add", "--control", "AC-06", "--file", "r.txt", "--date", "2026-03-31"); r.code != 0 || strings.Contains(r.stderr, "outside") {
		t.Errorf("inside: %+v", r)
	}
	mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "r.txt", "--date", "2020-03-31", "--force")
}

// auditorTest records the named auditor's signed test of a control as an
// auditor would: a population of the items, the binding draw of all of
// them, and a result for each ("KEY=RESULT[:NOTE]"). It returns the
// test's JSON.
func auditorTest(t *testing.T, dir, auditor, control string, results []string, extra ...string) map[string]any {
	t.Helper()
	var b strings.Builder
	b.WriteString("id\n")
	for _, r := range results {
		k, _, _ := strings.Cut(r, "=")
		b.WriteString(k + "\n")
	}
	file := "pop-" + strings.ToLower(control) + ".csv"
	writeFile(t, dir, file, b.String())
	mustRun(t, dir, "population", "import", "--control", control, "--file", file, "--key", "id")
	d := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "draw", "--control", control, "--json"}, keyOf(dir, auditor)...)...))
	args := []string{"test", "record", "--control", control, "--procedure", "inspection", "--draw", fmt.Sprint(d["id"]), "--json"}
	for _, r := range results {
		args = append(args, "--item", r)
	}
	args = append(append(args, extra...), keyOf(dir, auditor)...)
	return decode[map[string]any](t, mustRun(t, dir, args...))
}
