package sqlite_test

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/attest-dev/attest/sqlite"
	"github.com/google/go-cmp/cmp"
)

// TestEveryBlobColumnIsScanned guards `attest gc`: a column that may hold a
// blob reference must be one ScanBlobRefs reads, or gc would take the
// bytes it names for an orphan. A new column whose name speaks of a
// reference or a hash fails this test until it is added to ScanBlobRefs
// (internal/sqlstore/blobrefs.go) and to blobColumns, or to notBlobs with
// the reason.
func TestEveryBlobColumnIsScanned(t *testing.T) {
	blobColumns := []string{"documents.ref", "evidence.ref", "populations.ref"}
	notBlobs := map[string]string{
		"ledger_hashes.hash":              "tree hashes of the ledger",
		"sessions.data":                   "session data",
		"tokens.hash":                     "hash of an API token",
		"auditor_statements.hash":         "hash of the statement text, kept in the row",
		"users.password_hash":             "hash of a password",
		"review_campaigns.listing_digest": "SHA-256 of an access review's rows as started, kept in the table",
		"policy_versions.sha256":          "hash of the policy text, kept in the row",
		"acknowledgements.sha256":         "hash of the policy version acknowledged (in policy_versions)",
		"portal_links.hash":               "hash of a portal sign-in link's secret",
		"trust_downloads.sha256":          "hash of the copy delivered (watermarked copies are not stored)",
		"trust_ndas.sha256":               "hash of the NDA text, kept in the row",
		"trust_requests.email_hash":       "hash of an e-mail token",
		"trust_requests.link_hash":        "hash of a personal link",
		"trust_requests.nda_sha256":       "hash of the NDA text accepted",
	}
	ctx := context.Background()
	db, err := sqlite.Create(ctx, filepath.Join(t.TempDir(), "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.SQL().QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	suspect := regexp.MustCompile(`ref|sha|hash|blob|digest|data$`)
	var got []string
	seen := map[string]bool{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		seen[table+"."+col] = true
		if _, ok := notBlobs[table+"."+col]; !ok && suspect.MatchString(col) {
			got = append(got, table+"."+col)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(blobColumns, got); diff != "" {
		t.Errorf("columns that may name blobs (-scanned +in the schema):\n%s", diff)
	}
	for col := range notBlobs {
		if !seen[col] {
			t.Errorf("%s is no longer in the schema: update this test", col)
		}
	}
}
