package collect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	want := map[string]string{
		"aws/aws-config_rule-event_example1.json":                           "aws-config",
		"aws/aws-config_rule-event_example2.json":                           "aws-config",
		"aws/aws-config_rule-event_example3.json":                           "aws-config",
		"aws/aws-config_sns-notification_example1.json":                     "aws-config",
		"aws/aws-config_sns-notification_example2.json":                     "aws-config",
		"aws/aws-config_sns-notification_example3.json":                     "aws-config",
		"aws/iam-credential-report_header.csv":                              "aws-iam-credential-report",
		"github/octokit-fixtures_branch-protection_normalized-fixture.json": "github-branch-protection",
		"grype/TestJsonDirsPresenter.json":                                  "grype",
		"grype/TestJsonImgsPresenter.json":                                  "grype",
		"okta/okta-openapi_listUsers_example.json":                          "okta-users",
		"okta/okta-openapi_User_schema_subset.json":                         "",
		"prowler/example_output_aws.csv":                                    "prowler",
		"prowler/example_output_aws.ocsf.json":                              "prowler",
		"prowler/example_output_kubernetes.ocsf.json":                       "prowler",
		"trivy/alpine-310.json":                                             "trivy",
		"trivy/npm.json":                                                    "trivy",
	}
	k8s, _ := filepath.Glob(samples + "kubernetes/*")
	for _, f := range k8s {
		want[strings.TrimPrefix(f, samples)] = "kubernetes"
	}
	paths := map[string]string{
		"testdata/roster.csv": "hr-roster", "testdata/manifests.yaml": "kubernetes",
		"testdata/manifests.json": "kubernetes", "testdata/terraform-plan.json": "terraform-plan",
	}
	for file, name := range want {
		paths[samples+file] = name
	}
	for path, name := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if f, _ := detect(filepath.Base(path), data); f.Name != name {
			t.Errorf("%s: detected %q, want %q", path, f.Name, name)
		}
	}
	for in, name := range map[string]string{
		`[{"full_name": "a/b"}]`: "github-repositories",
		`{"url": "https://api.github.com/repos/a/b/branches/main/protection"}`: "github-branch-protection",
		`{"EvaluationResults": []}`: "aws-config",
		`[{"resourceType": "AWS::S3::Bucket", "resourceId": "b", "configuration": {}}]`: "aws-config",
		`[]`: "empty",
		`{"kind": "Pod", "apiVersion": "v1"}{"kind": "Pod", "apiVersion": "v1"}`: "kubernetes",
		"\ufeffemployee_id,Email,STATUS\n":                                       "hr-roster",
		"name: x\n":                                                              "",
		"a,b\n1,2\n":                                                             "",
		`[1, 2]`:                                                                 "",
		`[{"method": "get", "path": "/user"}]`:                                   "",
	} {
		if f, _ := detect("x", []byte(in)); f.Name != name {
			t.Errorf("%q: detected %q, want %q", in, f.Name, name)
		}
	}
}

func TestRead(t *testing.T) {
	res, err := Read("alpine.json", fixture(t, "trivy/alpine-310.json"))
	if err != nil || len(res.Records) != 4 || res.Records[0].Type != "vulnerability" {
		t.Errorf("trivy through Read: %v %v", res, err)
	}
	res, err = Read("notes.txt", strings.NewReader("hello\n"))
	if err != nil || len(res.Records) != 0 || len(res.Problems) != 1 ||
		!strings.HasPrefix(res.Problems[0].String(), "notes.txt: not a format Attest reads; expected one of aws-iam-credential-report, aws-config,") {
		t.Errorf("unknown format: %v %v", res, err)
	}
	res, err = Read("broken.json", strings.NewReader(`{"SchemaVersion": 2,`))
	if err != nil || len(res.Problems) != 1 || !strings.HasPrefix(res.Problems[0].Detail, "not the expected JSON: ") {
		t.Errorf("broken JSON: %v %v", res, err)
	}
	// Known by its content, unreadable as a whole: an error.
	if _, err := Read("plan.json", strings.NewReader(`{"format_version": "1.2", "terraform_version": "1.9.8"}`)); err == nil {
		t.Error("a plan without planned values read")
	}
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFixture := func(name, from string) {
		data, err := os.ReadFile(samples + from)
		if err != nil {
			t.Fatal(err)
		}
		write(name, string(data))
	}
	copyFixture("b/prowler.csv", "prowler/example_output_aws.csv")
	copyFixture("a/netpol.yaml", "kubernetes/website_networkpolicy.yaml")
	copyFixture("c.json", "github/octokit-fixtures_branch-protection_normalized-fixture.json")
	write("a/roster.csv", "employee_id,email,status\nE1,a@example.com,active\nE2,b@example.com,gone\n")
	write("a/plan.json", `{"format_version": "1.2", "terraform_version": "1.9.8"}`)
	write("d/notes.txt", "hello\n")
	write(".hidden.json", `[{"full_name": "a/hidden"}]`)
	write(".git/config.json", `[{"full_name": "a/git"}]`)
	write("e/empty.json", "")
	if err := os.Symlink(filepath.Join(dir, "c.json"), filepath.Join(dir, "link.json")); err != nil {
		t.Fatal(err)
	}

	res, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Records {
		got = append(got, strings.TrimPrefix(r.Source, dir+"/")+" "+r.Type)
	}
	want := []string{
		"a/netpol.yaml k8s.object", "a/roster.csv hr.employee",
		"b/prowler.csv prowler.finding", "b/prowler.csv prowler.finding", "b/prowler.csv prowler.finding", "b/prowler.csv prowler.finding",
		"c.json github.branch_protection",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var problems []string
	for _, p := range res.Problems {
		problems = append(problems, strings.TrimPrefix(p.String(), dir+"/"))
	}
	wantProblems := []string{
		"a/plan.json: not a Terraform plan",
		`a/roster.csv: line 3: status "gone"`,
		"d/notes.txt: not a format Attest reads",
		"e/empty.json: the file is empty",
	}
	if len(problems) != len(wantProblems) {
		t.Fatalf("problems:\n%s", strings.Join(problems, "\n"))
	}
	for i, w := range wantProblems {
		if !strings.HasPrefix(problems[i], w) {
			t.Errorf("problem %q, want %q...", problems[i], w)
		}
	}
	if _, err := ReadDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing directory read")
	}
}

func TestFormats(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Formats() {
		if f.Name == "" || f.Description == "" || f.read == nil || seen[f.Name] {
			t.Errorf("format %+v", f)
		}
		seen[f.Name] = true
		if g, ok := FormatNamed(f.Name); !ok || g.Name != f.Name {
			t.Errorf("FormatNamed(%s)", f.Name)
		}
	}
	if len(seen) != 12 {
		t.Errorf("%d formats", len(seen))
	}
	if _, ok := FormatNamed("excel"); ok {
		t.Error("a format named excel")
	}
}

func FuzzRead(f *testing.F) {
	for _, file := range []string{"testdata/roster.csv", "testdata/manifests.yaml", samples + "aws/aws-config_sns-notification_example3.json",
		samples + "prowler/example_output_aws.csv", samples + "okta/okta-openapi_listUsers_example.json"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add("x"+filepath.Ext(file), string(data))
	}
	f.Add("x.json", `[{"method":"get","path":"/repos/a/b/branches/c/protection","status":200,"response":{"url":"https://api.github.com/repos/a/b/branches/c/protection"}}]`)
	f.Add("x.json", `{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1"}]}]}`)
	f.Fuzz(func(t *testing.T, name, in string) {
		res, err := Read(name, strings.NewReader(in))
		if err != nil {
			return
		}
		types := []string{"aws.iam_user", "idp.user", "hr.employee", "vulnerability", "github.repository", "github.branch_protection",
			"k8s.object", "aws.config_item", "aws.config_evaluation", "prowler.finding", "terraform.resource"}
		sane(t, res, types...)
	})
}

// TestReadPath: a folder is read as ReadDir reads it, a file as Read
// reads it, and a path that is not there is named once in the error.
func TestReadPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(file, []byte("employee_id,email,status\n1,ana@example.com,active\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, file} {
		res, err := ReadPath(p)
		if err != nil || len(res.Records) != 1 {
			t.Errorf("%s: %+v %v", p, res, err)
		}
	}
	missing := filepath.Join(dir, "gone")
	_, err := ReadPath(missing)
	if err == nil || err.Error() != missing+": no such file or directory" {
		t.Errorf("a missing path: %v", err)
	}
}
