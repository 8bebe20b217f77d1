package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v3"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeConfig(t *testing.T, mode os.FileMode, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "attest-live.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

const fullConfig = `github:
  token: ` + testToken + `
  api_url: https://ghe.example.com/api/v3
  org: acme
  repos: [api, web]
okta:
  org_url: https://acme.okta.com
  token: ` + testOktaToken + `
aws:
  region: eu-west-1
  profile: audit
`

func TestLoadConfig(t *testing.T) {
	ignoreLog := cmpopts.IgnoreFields(Config{}, "Log")
	tests := []struct {
		name string
		file string // "" for no file
		env  map[string]string
		want Config
	}{
		{"nothing", "", nil, Config{GitHub: GitHubConfig{APIURL: "https://api.github.com"}}},
		{"environment only", "", map[string]string{"GITHUB_TOKEN": " t1 ", "OKTA_ORG_URL": "https://x.okta.com", "OKTA_API_TOKEN": "t2", "AWS_REGION": "us-east-2"},
			Config{GitHub: GitHubConfig{Token: "t1", APIURL: "https://api.github.com"}, Okta: OktaConfig{OrgURL: "https://x.okta.com", Token: "t2"}, AWS: AWSConfig{Region: "us-east-2"}}},
		{"file only", fullConfig, nil, Config{
			GitHub: GitHubConfig{Token: testToken, APIURL: "https://ghe.example.com/api/v3", Org: "acme", Repos: []string{"api", "web"}},
			Okta:   OktaConfig{OrgURL: "https://acme.okta.com", Token: testOktaToken},
			AWS:    AWSConfig{Region: "eu-west-1", Profile: "audit"}}},
		{"environment wins", fullConfig, map[string]string{"GITHUB_TOKEN": "from-env", "GITHUB_API_URL": "https://api.github.com", "OKTA_API_TOKEN": "okta-env", "AWS_PROFILE": "prod", "AWS_REGION": ""},
			Config{
				GitHub: GitHubConfig{Token: "from-env", APIURL: "https://api.github.com", Org: "acme", Repos: []string{"api", "web"}},
				Okta:   OktaConfig{OrgURL: "https://acme.okta.com", Token: "okta-env"},
				AWS:    AWSConfig{Region: "eu-west-1", Profile: "prod"}}},
		{"empty file", "", nil, Config{GitHub: GitHubConfig{APIURL: "https://api.github.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" || tt.name == "empty file" {
				path = writeConfig(t, 0o600, tt.file)
			}
			got, err := LoadConfig(path, env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got, ignoreLog); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadConfigRefusesAnExposedToken(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o620} {
		path := writeConfig(t, mode, fullConfig)
		_, err := LoadConfig(path, env(nil))
		if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "chmod 600 "+path) ||
			!strings.Contains(err.Error(), "holds a token") {
			t.Errorf("%v: error %v", mode, err)
		}
		noSecret(t, nil, err, "")
	}
	// Without a token the file is no secret.
	path := writeConfig(t, 0o644, "github:\n  org: acme\naws:\n  region: eu-west-1\n")
	if _, err := LoadConfig(path, env(map[string]string{"GITHUB_TOKEN": testToken})); err != nil {
		t.Errorf("a file without a token was refused: %v", err)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name, text string
		says       string
	}{
		{"unknown field", "github:\n  tokn: x\n", "line 2: field tokn not found"},
		{"not YAML", "github: [\n", "did not find expected"},
		// A token typed where a list belongs must not be repeated in the message.
		{"token in the wrong place", "github:\n  repos: " + testToken + "\n", "cannot unmarshal !!str (value hidden)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(writeConfig(t, 0o600, tt.text), env(nil))
			if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("error %v", err)
			}
			noSecret(t, nil, err, "")
		})
	}
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "missing.yaml"), env(nil)); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("missing file: %v", err)
	}
}

func TestSecretStaysHidden(t *testing.T) {
	cfg, err := LoadConfig(writeConfig(t, 0o600, fullConfig), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	fmt.Fprintf(&text, "%v %+v %#v %s\n", cfg, cfg, cfg, cfg.GitHub.Token)
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	text.Write(data)
	data, err = yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	text.Write(data)
	slog.New(slog.NewTextHandler(&text, nil)).Info("config", "cfg", cfg, "token", cfg.Okta.Token)
	slog.New(slog.NewJSONHandler(&text, nil)).Info("config", "cfg", cfg, "token", cfg.Okta.Token)
	gh := &GitHub{Token: cfg.GitHub.Token}
	fmt.Fprintf(&text, "%v %+v", gh, *gh)
	noSecret(t, nil, nil, text.String())
	if !strings.Contains(text.String(), "[redacted]") {
		t.Error("no [redacted] in the output")
	}
}
