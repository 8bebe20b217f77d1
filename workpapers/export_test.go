package workpapers

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"golang.org/x/mod/sumdb/note"
)

func TestExportHoldsTheAuditorsPapers(t *testing.T) {
	f := setup(t)
	b := f.build(t)
	files, names := unzip(t, b)
	want := []string{"README.txt", "engagement.json", "controls.json", "populations.json", "completeness.json", "draws.json", "tests.json", "responses.json", "requests.json"}
	if strings.Join(names[:len(want)], " ") != strings.Join(want, " ") || names[len(names)-1] != manifestName {
		t.Fatalf("files %v", names)
	}
	var pops []attest.Population
	if err := json.Unmarshal(files["populations.json"], &pops); err != nil || len(pops) != 1 || pops[0].ControlID != "AX-01" {
		t.Errorf("populations: another engagement's population, or none: %s", files["populations.json"])
	}
	var tests []attest.Test
	if err := json.Unmarshal(files["tests.json"], &tests); err != nil || len(tests) != 1 || tests[0].Internal || tests[0].Procedures[1] != "reperformance" {
		t.Errorf("tests.json holds management's test or lacks the auditor's: %s", files["tests.json"])
	}
	// Population, completeness check, draw, test, response and comment:
	// six records, each proven.
	res := verify(t, b, f.pub)
	if !res.OK || res.Engagement != "e1" || res.KeyInside || res.Records != 6 || res.Proofs != 6 {
		t.Fatalf("the export does not verify: %+v", res)
	}
	if res.Files != len(names)-1 {
		t.Errorf("manifest lists %d files, the ZIP has %d besides it", res.Files, len(names)-1)
	}
	// The same papers at the same time give the same bytes.
	if again := f.build(t); !bytes.Equal(again, b) {
		t.Error("two exports of the same papers differ")
	}
}

func TestBuildNeedsAKey(t *testing.T) {
	f := setup(t)
	f.keys.Signer = nil
	if _, err := Build(ctx, f.store, f.e, f.keys, now); attest.ErrorCode(err) != attest.EUNAVAILABLE {
		t.Errorf("no signer: %v", err)
	}
}

func TestVerifyFindsEveryChange(t *testing.T) {
	f := setup(t)
	b := f.build(t)
	// Without a key the export's own is used, and says so.
	if res := verify(t, b, ""); !res.OK || !res.KeyInside {
		t.Errorf("own key: %+v", res)
	}
	// Changing any byte of any file is detected.
	_, names := unzip(t, b)
	for _, name := range names {
		bad := rewriteZip(t, b, func(n string, body []byte) []byte {
			if n == name {
				body = append([]byte{}, body...)
				body[len(body)/2] ^= 0x01
			}
			return body
		}, nil)
		if res := verify(t, bad, f.pub); res.OK {
			t.Errorf("a changed %s went unnoticed", name)
		}
	}
	// So are a removed file, an added one, and another key.
	removed := rewriteZip(t, b, func(n string, body []byte) []byte {
		if n == "draws.json" {
			return nil
		}
		return body
	}, nil)
	if res := verify(t, removed, f.pub); res.OK || !strings.Contains(strings.Join(res.Problems, "\n"), "draws.json is listed in the MANIFEST but missing") {
		t.Errorf("removed file: %+v", res.Problems)
	}
	added := rewriteZip(t, b, nil, map[string][]byte{"notes.txt": []byte("x")})
	if res := verify(t, added, f.pub); res.OK || !strings.Contains(strings.Join(res.Problems, "\n"), "notes.txt is not listed") {
		t.Errorf("added file: %+v", res.Problems)
	}
	_, otherPub, err := note.GenerateKey(nil, "attest-other")
	if err != nil {
		t.Fatal(err)
	}
	if res := verify(t, b, otherPub); res.OK {
		t.Error("the export verifies with another key")
	}
}

// TestVerifyCatchesAResignedForgery: even someone holding the key, who
// edits a record and signs a new manifest, is caught, since the record no
// longer matches its ledger entry.
func TestVerifyCatchesAResignedForgery(t *testing.T) {
	f := setup(t)
	forged := rewriteZip(t, f.build(t), func(n string, body []byte) []byte {
		if n == "draws.json" {
			return bytes.Replace(body, []byte(`"seed": "s-2026"`), []byte(`"seed": "s-2027"`), 1)
		}
		return body
	}, nil)
	forged = resignManifest(t, forged, f.signer)
	res := verify(t, forged, f.pub)
	if res.OK || !strings.Contains(strings.Join(res.Problems, "\n"), "draws.json: the record of ledger entry") {
		t.Errorf("a re-signed forgery: %+v", res)
	}
}

func TestVerifyRefusesWhatIsNoExport(t *testing.T) {
	f := setup(t)
	b := f.build(t)
	noManifest := rewriteZip(t, b, func(n string, body []byte) []byte {
		if n == manifestName {
			return nil
		}
		return body
	}, nil)
	for name, tc := range map[string]struct {
		b    []byte
		key  string
		want string
	}{
		"not a ZIP":   {[]byte("PK? not really"), "", "not a ZIP file"},
		"no MANIFEST": {noManifest, f.pub, "no MANIFEST"},
		"a bad key":   {b, "not a key", "the public key"},
	} {
		_, err := Verify(bytes.NewReader(tc.b), int64(len(tc.b)), tc.key)
		if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), tc.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
