package collect

import (
	"reflect"
	"strings"
	"testing"
)

func TestProwlerOCSF(t *testing.T) {
	res, err := Prowler("aws.ocsf.json", fixture(t, "prowler/example_output_aws.ocsf.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 5 || len(res.Problems) != 0 {
		t.Fatalf("%d records, problems %v", len(res.Records), res.Problems)
	}
	// The sample's finding UIDs are all the placeholder "<finding_uid>".
	r := res.Records[0]
	if r.Type != "prowler.finding" || r.ID != "<finding_uid>" || r.Line != 2 {
		t.Errorf("record %s %s line %d", r.Type, r.ID, r.Line)
	}
	check(t, r, map[string]any{
		"check_id": "accessanalyzer_enabled", "title": "Check if IAM Access Analyzer is enabled", "status": "fail", "severity": "low",
		"provider": "aws", "service": "accessanalyzer", "resource_uid": "<resource_uid>", "resource_name": "<resource_name>",
		"resource_type": "Other", "region": "<region>", "account": "<account_uid>",
		"message": "IAM Access Analyzer in account <account_uid> is not enabled.",
		// time is 1739539623; time_dt says 14:27:03 without a zone: local time.
		"time": "2025-02-14T13:27:03Z", "status_id": float64(1), "risk_details": r.Fields["risk_details"],
	})
	if got := r.Fields["compliance"].(map[string]any)["KISA-ISMS-P-2023"]; !reflect.DeepEqual(got, []any{"2.5.6", "2.6.4", "2.8.1", "2.8.2"}) {
		t.Errorf("compliance %v", got)
	}
	check(t, res.Records[1], map[string]any{"status": "manual", "severity": "medium", "resource_uid": "arn:aws:iam::<account_uid>:root"})

	k8s, err := Prowler("k8s.ocsf.json", fixture(t, "prowler/example_output_kubernetes.ocsf.json"))
	if err != nil || len(k8s.Records) != 6 || len(k8s.Problems) != 0 {
		t.Fatalf("kubernetes: %v %v", err, k8s.Problems)
	}
	check(t, k8s.Records[1], map[string]any{
		"check_id": "apiserver_anonymous_requests", "status": "pass", "severity": "high", "provider": "kubernetes",
		"service": "apiserver", "resource_type": "KubernetesAPIServer", "resource_name": "<pod>", "region": nil, "account": nil,
		"compliance": map[string]any{"CIS-1.10": []any{"1.2.1"}, "CIS-1.8": []any{"1.2.1"}}, "time": "2025-02-14T13:27:38Z",
	})
}

func TestProwlerCSV(t *testing.T) {
	res, err := Prowler("aws.csv", fixture(t, "prowler/example_output_aws.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 4 || len(res.Problems) != 0 {
		t.Fatalf("%d records, problems %v", len(res.Records), res.Problems)
	}
	r := res.Records[0]
	if r.ID != "<finding_uid>" || r.Line != 2 {
		t.Errorf("record %s line %d", r.ID, r.Line)
	}
	check(t, r, map[string]any{
		"check_id": "accessanalyzer_enabled", "title": "Check if IAM Access Analyzer is enabled", "status": "fail", "severity": "low",
		"provider": "aws", "service": "accessanalyzer", "resource_uid": "<resource_uid>", "resource_name": "<resource_name>",
		"resource_type": "Other", "region": "<region>", "account": "<account_uid>",
		"message": "IAM Access Analyzer in account <account_uid> is not enabled.", "time": "2025-02-14T14:27:03Z",
		"muted": false, "account_name": nil, "partition": "aws", "check_type": "IAM", "check_title": nil, "finding_uid": nil,
		"remediation_code_cli": "aws accessanalyzer create-analyzer --analyzer-name <NAME> --type <ACCOUNT|ORGANIZATION>",
	})
	// The CSV's compliance column reads as OCSF's object, but for an ID
	// with a comma in it, which the CSV cannot tell from two.
	ocsf, err := Prowler("aws.ocsf.json", fixture(t, "prowler/example_output_aws.ocsf.json"))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res.Records {
		got, want := r.Fields["compliance"].(map[string]any), ocsf.Records[i].Fields["compliance"].(map[string]any)
		if i == 1 || i == 3 {
			want["AWS-Account-Security-Onboarding"] = []any{"Billing", "emergency", "security contacts"}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("finding %d: compliance %v from CSV, %v from OCSF", i+1, got, want)
		}
	}
}

func TestProwlerEdges(t *testing.T) {
	csv := "CHECK_ID;STATUS;SEVERITY;RESOURCE_UID;STATUS_EXTENDED;COMPLIANCE\n" +
		"s3_bucket_public_access;FAIL;High;arn:aws:s3:::a;\"Bucket a; is public\";\n" +
		"iam_root_mfa_enabled;MUTED;critical;arn:aws:iam::1:root;x;\n" +
		"short;PASS\n" +
		";PASS;low;r;x;\n"
	res, err := Prowler("v3.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 || len(res.Problems) != 3 || res.Problems[0].Line != 3 || !strings.Contains(res.Problems[0].Detail, `status "MUTED"`) ||
		res.Problems[1].Line != 4 || res.Problems[2].Line != 5 {
		t.Fatalf("%v, problems %v", res.Records, res.Problems)
	}
	r := res.Records[0]
	if r.ID != "s3_bucket_public_access/arn:aws:s3:::a" {
		t.Errorf("ID %s", r.ID)
	}
	check(t, r, map[string]any{"message": "Bucket a; is public", "severity": "high", "compliance": map[string]any{}, "time": nil, "uid": nil})

	ocsf := `[
  {"metadata": {"event_code": "x"}, "status_code": "PASS", "resources": "not a list", "cloud": {"provider": "GCP"}},
  {"status_code": "PASS"},
  7
]`
	res, err = Prowler("edge.ocsf.json", strings.NewReader(ocsf))
	if err != nil || len(res.Records) != 1 || len(res.Problems) != 2 || res.Problems[1].Line != 4 {
		t.Fatalf("%v %v %v", err, res.Records, res.Problems)
	}
	check(t, res.Records[0], map[string]any{"provider": "gcp", "resource_uid": nil, "status": "pass"})
	if _, err := Prowler("x.csv", strings.NewReader("a;b\n1;2\n")); err == nil {
		t.Error("a CSV without CHECK_ID accepted")
	}
}

func FuzzProwler(f *testing.F) {
	f.Add("CHECK_ID;STATUS;COMPLIANCE;TIMESTAMP;MUTED\nc;FAIL;A: 1, 2 | B: x;2025-02-14 14:27:03.913874;True\n")
	f.Add(`[{"metadata":{"event_code":"c"},"status_code":"FAIL","time":1739539623,"resources":[{"uid":"r","group":{"name":"s"}}],"unmapped":{"compliance":{"A":["1"]}}}]`)
	f.Fuzz(func(t *testing.T, in string) {
		res, err := Prowler("fuzz", strings.NewReader(in))
		if err != nil {
			return
		}
		sane(t, res, "prowler.finding")
		for _, r := range res.Records {
			if _, err := findingStatus(r.Fields["status"].(string)); err != nil {
				t.Fatalf("record %+v", r)
			}
		}
	})
}
