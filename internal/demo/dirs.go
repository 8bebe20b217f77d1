package demo

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/attest-dev/attest"
)

// Marker is the file that marks a data directory made by the demo, and
// the folder of its auditor's key beside it: the next run replaces them.
const Marker = "DEMO"

// Fresh makes sure the demo writes only where nothing but an earlier demo
// is: the data directory dir (one the demo made is removed, so that the
// README's command can be run again; any other must be empty or absent),
// and the folder beside it that stands for the auditor's machine (made
// anew and marked). It tells progress (nil for silence) when it replaces
// a demo. A refusal is ECONFLICT without a hint: the adapter knows how its
// user names another directory.
func Fresh(dir string, progress io.Writer) error {
	if _, err := os.Stat(filepath.Join(dir, Marker)); err == nil {
		if progress != nil {
			fmt.Fprintf(progress, "Replacing the previous demo in %s\n", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return attest.Errorf(attest.ECONFLICT, "%s already exists and is not empty", dir)
	}
	keyDir := AuditorDir(dir)
	if entries, err := os.ReadDir(keyDir); err == nil && len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(keyDir, Marker)); err != nil {
			return attest.Errorf(attest.ECONFLICT, "%s exists and was not made by the demo", keyDir)
		}
	}
	if err := os.RemoveAll(keyDir); err != nil {
		return err
	}
	if err := os.MkdirAll(keyDir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(keyDir, Marker), []byte("The demo auditor's key folder, made by `attest demo` beside its data directory (as the auditor's own machine would keep it), replaced when the demo runs again.\n"), 0o600)
}

// Mark marks the data directory dir, just made for the demo, as the
// demo's, for Fresh to replace.
func Mark(dir string) error {
	return os.WriteFile(filepath.Join(dir, Marker), []byte("This data directory was made by `attest demo`, which replaces it when run again.\n"), 0o600)
}

// Jobs are the follow-ups Harbor runs in attest serve, each to be queued
// once (under its Key) so that attest demo --serve runs them at once: the
// portal's, the checklists' and the access reviews' reminders, each at
// most weekly, the compliance manager's unassigned items left out. Their
// mail lands in the outbox admins see when no mail server is set. The
// number of attempts is the queue's to set.
func Jobs() []attest.Job {
	var out []attest.Job
	for _, j := range []struct{ kind, payload string }{
		{"portal-reminders", `{"every": "168h"}`},
		{"checklist-reminders", `{"every": "168h", "unassigned_to": "` + complianceManager + `"}`},
		{"review-reminders", `{"every": "168h", "unassigned_to": "` + complianceManager + `"}`},
	} {
		out = append(out, attest.Job{Kind: j.kind, Payload: json.RawMessage(j.payload), Key: "demo-" + j.kind})
	}
	return out
}

// complianceManager is Priya Raman's e-mail, who manages Harbor's
// compliance program.
const complianceManager = "priya.raman@harbor.example"

// Guide is who the demo's summary names for a person trying it.
type Guide struct {
	// Auditor is the service auditor, whose key file is AuditorKey (in
	// AuditorDir beside the data directory).
	Auditor    string
	AuditorKey string
	// Owner is a control owner's e-mail, to list the controls by.
	Owner string
	// Admin is an administrator's e-mail to sign in as; Viewer a viewer's,
	// who reads the controls and evidence but not the working papers.
	Admin  string
	Viewer string
}

// guide is the Guide to the demo in the data directory dataDir.
func guide(dataDir string) Guide {
	return Guide{Auditor: "Ana Lima", AuditorKey: auditorKey(dataDir), Owner: "lucia.fernandes@harbor.example",
		Admin: "kenji.mori@harbor.example", Viewer: "maya.lindqvist@harbor.example"}
}

// auditorKey is the demo auditor's key file.
func auditorKey(dataDir string) string { return filepath.Join(AuditorDir(dataDir), "ana-lima.key") }
