// Package workpapers builds and checks the service auditor's signed export
// of their working papers for an engagement: a ZIP of JSON files (the
// engagement, populations with their hashes and provenance, completeness
// checks, draws with seeds and selected items, the auditor's tests with
// results, deviations and conclusions, management's responses, requests
// with their threads), a ledger inclusion proof for every recorded entry
// among them against one signed checkpoint, the ledger's public key, and
// a MANIFEST listing each file's SHA-256, signed with the ledger's key.
// Verify checks one offline (attest verify --export FILE.zip), without
// the data directory.
//
// The working papers belong to the audit firm, which keeps them for years:
// the format is stable, and an export made by one version verifies with
// every later one.
package workpapers

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/ledger"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const (
	manifestName   = "MANIFEST"
	manifestHeader = "attest working papers"
	checkpointName = "checkpoint.txt"
	keyName        = "ledger.pub"
)

// recordFiles are the export's files whose objects carry a ledger_entry
// that Verify ties to its proof.
var recordFiles = []string{"populations.json", "completeness.json", "draws.json", "tests.json", "responses.json", "requests.json"}

const readme = `Working papers exported from Attest
===================================

engagement.json     the engagement: report kind and type, period, report date
controls.json       its controls
populations.json    each population: file name, SHA-256, row count, key and
                    date columns, source, query, who extracted and imported it
completeness.json   how each population was shown to be complete
draws.json          each sample draw: seed, size and its rule, selected items,
                    whether it is the binding draw; re-perform one from the
                    population file and the seed (docs/sampling.md)
tests.json          the service auditor's tests: procedures, item results,
                    deviations, conclusion and its wording
responses.json      management's responses to exceptions
requests.json       evidence requests, the evidence linked and their threads
auditor_keys.json   the service auditor's enrolled public keys and fingerprints
statements.json     every act of the service auditor as the statement they
                    signed (canonical JSON, ed25519 signature, chained per
                    key); attest auditor verify --export checks them against
                    the auditor's own journal, trusting nothing else here
proofs/ENTRY.json   for every object above with a ledger_entry, the proof that
                    this entry is in the ledger whose signed tree head is
                    checkpoint.txt (attest ledger verify-proof checks one)
checkpoint.txt      the signed checkpoint every proof refers to
ledger.pub          the ledger's public key
MANIFEST            the SHA-256 of every other file, signed with that key

Check the whole export offline, with the public key you received from the
organization (attest ledger key prints it):

    attest verify --export THIS.zip --key 'KEY'

Any changed, added or removed file, a record that differs from its ledger
entry, or a proof that does not hold is reported. The export shows what was
recorded and that it was not changed since; judging the evidence remains the
auditor's work.
`

// Store is what Build reads: the engagement's records and the ledger.
type Store interface {
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	Populations(ctx context.Context, controlID string) ([]attest.Population, error)
	CompletenessChecks(ctx context.Context, populationID int64) ([]attest.Completeness, error)
	Draws(ctx context.Context, engagementID, controlID string) ([]attest.Draw, error)
	Tests(ctx context.Context, engagementID, controlID string) ([]attest.Test, error)
	Responses(ctx context.Context, testID int64) ([]attest.Response, error)
	Requests(ctx context.Context, engagementID string) ([]attest.Request, error)
	Comments(ctx context.Context, requestID int64) ([]attest.Comment, error)
	AuditorKeys(ctx context.Context, engagementID string) ([]attest.AuditorKey, error)
	Statements(ctx context.Context, engagementID string) ([]attest.Statement, error)
	ScanLedger(ctx context.Context, from, to int64, fn func(seq int64, record []byte) error) error
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
}

// Keys is how an export is signed.
type Keys struct {
	// Checkpoint signs the ledger's current tree head, stores it and
	// returns the signed note. Build calls it after reading the records,
	// so the checkpoint covers every entry they name.
	Checkpoint func(ctx context.Context) ([]byte, error)
	// Signer signs the MANIFEST; PublicKey is its verifier key, shipped
	// in the export as ledger.pub.
	Signer    note.Signer
	PublicKey string
}

// file is one file of an export, in order.
type file struct {
	name string
	body []byte
}

func jsonFile(name string, v any) (file, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return file{}, err
	}
	return file{name, append(b, '\n')}, nil
}

// Export is the auditor's export of their working papers on engagement e,
// a ZIP whose files are dated at env's moment: only a named auditor of e,
// by account, while e's access window is open (the working papers are the
// firm's; management reads the results in the report instead).
func Export(ctx context.Context, env fieldwork.Env, s Store, actor *attest.User, e *attest.Engagement, k Keys) ([]byte, error) {
	if err := env.RequireAuditor(ctx, actor, e, "exports the working papers"); err != nil {
		return nil, err
	}
	return Build(ctx, s, e, k, env.Policy.Now)
}

// Build writes engagement e's export, a ZIP whose files are dated now,
// for whoever Export admitted.
func Build(ctx context.Context, s Store, e *attest.Engagement, k Keys, now time.Time) ([]byte, error) {
	if k.Checkpoint == nil || k.Signer == nil || k.PublicKey == "" {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "there is no ledger key to sign the export with"}
	}
	p, err := gather(ctx, s, e)
	if err != nil {
		return nil, err
	}
	signed, err := k.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	cp, err := ledger.Open(signed, k.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("the server's public key does not verify its own checkpoint: %w", err)
	}
	files, err := p.files(e)
	if err != nil {
		return nil, err
	}
	entries, err := proven(files)
	if err != nil {
		return nil, err
	}
	proofs, err := prove(ctx, s, entries, cp.Size, signed)
	if err != nil {
		return nil, err
	}
	files = append(append(files, proofs...), file{checkpointName, signed}, file{keyName, []byte(k.PublicKey + "\n")})
	m, err := manifest(e, cp, files, k.Signer)
	if err != nil {
		return nil, err
	}
	return zipped(append(files, file{manifestName, m}), now)
}

// proven is the ledger entries the records in files name, in order, once
// each: the records Verify ties to their proofs.
func proven(files []file) ([]int64, error) {
	var out []int64
	for _, f := range files {
		if !slices.Contains(recordFiles, f.name) {
			continue
		}
		doc, err := decode(f.body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		walkRecords(doc, func(_ map[string]any, seq int64) { out = append(out, seq) })
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// prove is an inclusion proof file for each of the entries against the
// signed checkpoint of a ledger of size entries.
func prove(ctx context.Context, s Store, entries []int64, size int64, signed []byte) ([]file, error) {
	var out []file
	for _, n := range entries {
		p, err := ledger.ProveStored(ctx, s, n, size, signed, 0)
		if err != nil {
			return nil, err
		}
		f, err := jsonFile(fmt.Sprintf("proofs/%08d.json", n), p)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// manifest is the signed list of every file's SHA-256, after a header
// naming the engagement and the checkpoint.
func manifest(e *attest.Engagement, cp ledger.Checkpoint, files []file, signer note.Signer) ([]byte, error) {
	var m strings.Builder
	fmt.Fprintf(&m, "%s\nengagement %s\ncheckpoint %d %s\n", manifestHeader, e.ID, cp.Size, cp.Root)
	for _, f := range files {
		sum := sha256.Sum256(f.body)
		fmt.Fprintf(&m, "%s  %s\n", hex.EncodeToString(sum[:]), f.name)
	}
	return note.Sign(&note.Note{Text: m.String()}, signer)
}

// zipped is the files as a ZIP, in order, each dated now.
func zipped(files []file, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: now.UTC()})
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(f.body); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
