package collect

import (
	"os"
	"strings"
	"testing"
)

// samples holds copies of public example files of the formats Attest reads
// (their sources are in testdata/README.md at the repository's root).
const samples = "../testdata/formats/"

// fixture opens one of the files under samples.
func fixture(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(samples + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestIAMCredentialReport(t *testing.T) {
	header, err := os.ReadFile(samples + "aws/iam-credential-report_header.csv")
	if err != nil {
		t.Fatal(err)
	}
	// Our own rows on AWS's documented header, with its placeholder values.
	rows := strings.TrimSpace(string(header)) + ",extra_column_added_later\n" +
		"<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,2026-10-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A,x\n" +
		"dana,arn:aws:iam::123456789012:user/dana,2024-03-01T09:00:00+00:00,true,no_information,2026-01-02T00:00:00+00:00,N/A,false,true,2025-06-01T00:00:00+00:00,2026-11-01T12:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A,y\n" +
		"broken,arn,2024-03-01T09:00:00+00:00\n" +
		"bad,arn:x,2024-03-01T09:00:00+00:00,maybe,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A,z\n"
	res, err := IAMCredentialReport("report.csv", strings.NewReader(rows))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2 || len(res.Problems) != 2 {
		t.Fatalf("%d records, problems %v", len(res.Records), res.Problems)
	}
	root, dana := res.Records[0].Fields, res.Records[1].Fields
	if root["root"] != true || root["mfa_active"] != true || root["password_enabled"] != false || root["access_key_1_last_rotated"] != nil {
		t.Errorf("root %v", root)
	}
	if dana["root"] != false || dana["access_key_1_active"] != true || dana["access_key_1_last_rotated"] != "2025-06-01T00:00:00Z" || dana["password_last_used"] != nil || dana["extra_column_added_later"] != "y" {
		t.Errorf("dana %v", dana)
	}
	if res.Problems[0].Line != 4 || res.Problems[1].Line != 5 || !strings.Contains(res.Problems[1].String(), "report.csv: line 5: unexpected value in password_enabled maybe") {
		t.Errorf("problems %v", res.Problems)
	}
	if _, err := IAMCredentialReport("x.csv", strings.NewReader("a,b\n")); err == nil {
		t.Error("a CSV that is not a credential report was accepted")
	}
}

func TestOktaUsers(t *testing.T) {
	res, err := OktaUsers("users.json", fixture(t, "okta/okta-openapi_listUsers_example.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) == 0 {
		t.Fatal("no users")
	}
	u := res.Records[0].Fields
	if u["login"] != "alice.smith@example.com" || u["status"] != "active" || u["last_login"] != "2022-05-04T19:50:52Z" || u["provider"] != "okta" || u["activated"] != nil {
		t.Errorf("user %v", u)
	}
	if _, err := OktaUsers("x.json", strings.NewReader(`{"not":"a list"}`)); err == nil {
		t.Error("an object was accepted as a user list")
	}
}

func TestScanners(t *testing.T) {
	tr, err := Trivy("alpine.json", fixture(t, "trivy/alpine-310.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Records) != 4 || len(tr.Problems) != 0 {
		t.Fatalf("trivy: %d records, %v", len(tr.Records), tr.Problems)
	}
	v := tr.Records[0].Fields
	if v["id"] != "CVE-2019-1549" || v["package"] != "libcrypto1.1" || v["fixed"] != "1.1.1d-r0" || v["severity"] != "medium" || v["published"] != "2019-09-10T17:15:00Z" || v["scanner"] != "trivy" {
		t.Errorf("trivy record %v", v)
	}
	gr, err := Grype("img.json", fixture(t, "grype/TestJsonImgsPresenter.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(gr.Records) != 2 {
		t.Fatalf("grype: %d records", len(gr.Records))
	}
	for _, r := range gr.Records {
		if r.Type != "vulnerability" || r.Fields["scanner"] != "grype" || r.Fields["id"] == "" || r.Fields["severity"] == "" {
			t.Errorf("grype record %v", r)
		}
	}
	if _, err := Trivy("x.json", strings.NewReader("[")); err == nil {
		t.Error("broken JSON accepted")
	}
}

func FuzzIAMCredentialReport(f *testing.F) {
	f.Add("user,arn,mfa_active,password_enabled,password_last_used\nroot,arn,true,false,N/A\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := IAMCredentialReport("fuzz.csv", strings.NewReader(in))
		if err != nil {
			return
		}
		for _, r := range res.Records {
			if r.Type != "aws.iam_user" || r.Line < 2 {
				t.Fatalf("record %+v", r)
			}
		}
	})
}

func TestInputDocumentRoundTrip(t *testing.T) {
	doc := `{"_attest":{"document":"check input","version":1},"aws":{"iam_user":[{"_id":"dana","_source":"r.csv","_line":3,"mfa_active":false}]},"vulnerability":[{"_id":"CVE-1/p/t","severity":"high"},{"severity":"low"}]}`
	res, err := Read("input.json", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2 || len(res.Problems) != 1 {
		t.Fatalf("%+v", res)
	}
	r := res.Records[0]
	if r.Type != "aws.iam_user" || r.ID != "dana" || r.Source != "r.csv" || r.Line != 3 || r.Fields["mfa_active"] != false || r.Fields["_id"] != nil {
		t.Errorf("record %+v", r)
	}
	if res.Records[1].Type != "vulnerability" {
		t.Errorf("record %+v", res.Records[1])
	}
}
