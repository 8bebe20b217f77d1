package live

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func TestSources(t *testing.T) {
	if diff := cmp.Diff([]string{"github", "okta", "aws"}, Sources()); diff != "" {
		t.Error(diff)
	}
	if _, err := Collect(context.Background(), "jira", &Config{}); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "github, okta and aws") {
		t.Errorf("error %v", err)
	}
}

// TestCollect runs each source the way the CLI does: a config file and the
// environment, then Collect by name.
func TestCollect(t *testing.T) {
	g, o, a := newGitHubServer(t), newOktaServer(t), newAWSServer(t)
	a.polls = 0 // ready at once: Collect waits for real

	file := writeConfig(t, 0o600, "github:\n  org: octokit-fixture-org\n  api_url: "+g.srv.URL+"\nokta:\n  token: "+testOktaToken+"\n")
	cfg, err := LoadConfig(file, env(map[string]string{"GITHUB_TOKEN": testToken, "OKTA_ORG_URL": o.srv.URL}))
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	cfg.Log = testLog(&log)

	// The AWS SDK's standard chain, pointed at the test server.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_ACCESS_KEY_ID", testAWSKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testAWSSecret)
	t.Setenv("AWS_ENDPOINT_URL", a.srv.URL)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	cfg.AWS.Region = "us-east-1"

	want := map[string]int{"github": 8, "okta": 3, "aws": 7}
	for _, name := range Sources() {
		res, err := Collect(context.Background(), name, cfg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res.Records) != want[name] {
			t.Errorf("%s: %d records, want %d", name, len(res.Records), want[name])
		}
		noSecret(t, res, nil, log.String())
	}

	cfg.AWS.Region = ""
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	if _, err := Collect(context.Background(), "aws", cfg); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "AWS_REGION") {
		t.Errorf("no region: %v", err)
	}
}

func TestCollectSaysWhatIsMissing(t *testing.T) {
	cfg, err := LoadConfig("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	for name, says := range map[string]string{"github": "GITHUB_TOKEN", "okta": "OKTA_API_TOKEN"} {
		if _, err := Collect(context.Background(), name, cfg); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
