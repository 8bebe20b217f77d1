package live

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/secretfile"
	"gopkg.in/yaml.v3"
)

// Secret is a credential. It prints, marshals and logs as "[redacted]", so a
// Config or a connector written to a log or an error by mistake does not
// carry it.
type Secret string

const redacted = "[redacted]"

// String returns "[redacted]", for %v and %s.
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]", for %#v.
func (s Secret) GoString() string { return redacted }

// LogValue keeps the secret out of slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText keeps the secret out of JSON and YAML output.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Config holds what the connectors need: where each vendor's API is and the
// credential to present. The zero value means "nothing configured".
type Config struct {
	GitHub GitHubConfig `yaml:"github"`
	Okta   OktaConfig   `yaml:"okta"`
	AWS    AWSConfig    `yaml:"aws"`

	// Log receives the connectors' progress (never a credential).
	Log *slog.Logger `yaml:"-"`
}

// GitHubConfig is the config file's github section.
type GitHubConfig struct {
	Token  Secret   `yaml:"token"`
	APIURL string   `yaml:"api_url"`
	Org    string   `yaml:"org"`
	Repos  []string `yaml:"repos"`
}

// OktaConfig is the config file's okta section.
type OktaConfig struct {
	OrgURL string `yaml:"org_url"`
	Token  Secret `yaml:"token"`
}

// AWSConfig is the config file's aws section. Credentials are not in it:
// they come from the SDK's standard chain (environment, shared files, SSO,
// instance or task roles).
type AWSConfig struct {
	Region  string `yaml:"region"`
	Profile string `yaml:"profile"`
}

// LoadConfig reads the YAML config file at path (none when path is empty)
// and lays the environment over it: GITHUB_TOKEN, GITHUB_API_URL,
// OKTA_ORG_URL, OKTA_API_TOKEN, AWS_REGION and AWS_PROFILE win over the
// file. Like ssh with a private key, it refuses a file that holds a token
// and that users other than its owner may read or change.
func LoadConfig(path string, getenv func(string) string) (*Config, error) {
	cfg := &Config{}
	if path != "" {
		if err := readConfig(path, cfg); err != nil {
			return nil, err
		}
	}
	set := func(dst *string, key string) {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			*dst = v
		}
	}
	setSecret := func(dst *Secret, key string) {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			*dst = Secret(v)
		}
	}
	setSecret(&cfg.GitHub.Token, "GITHUB_TOKEN")
	set(&cfg.GitHub.APIURL, "GITHUB_API_URL")
	set(&cfg.Okta.OrgURL, "OKTA_ORG_URL")
	setSecret(&cfg.Okta.Token, "OKTA_API_TOKEN")
	set(&cfg.AWS.Region, "AWS_REGION")
	set(&cfg.AWS.Profile, "AWS_PROFILE")
	if cfg.GitHub.APIURL == "" {
		cfg.GitHub.APIURL = defaultGitHubAPI
	}
	return cfg, nil
}

func readConfig(path string, cfg *Config) error {
	f, err := os.Open(path)
	if err != nil {
		return &attest.Error{Code: attest.EINVALID, Message: "cannot open the config file: " + err.Error()}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return &attest.Error{Code: attest.EINVALID, Message: "cannot read the config file: " + err.Error()}
	}
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return &attest.Error{Code: attest.EINVALID, Message: "cannot read the config file: " + err.Error()}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return &attest.Error{Code: attest.EINVALID, Message: path + ": " + yamlMessage(err),
			Hint: "the file has sections github (token, api_url, org, repos), okta (org_url, token) and aws (region, profile)"}
	}
	hasToken := cfg.GitHub.Token != "" || cfg.Okta.Token != ""
	if perm := info.Mode().Perm(); hasToken && !secretfile.OwnerOnly(perm) && runtime.GOOS != "windows" {
		return &attest.Error{Code: attest.EINVALID,
			Message: "config file " + path + " holds a token and its permissions " + perm.String() + " let other users read or change it; refusing to use it",
			Hint:    "run: chmod 600 " + path + " (and consider whether the token should be revoked)"}
	}
	return nil
}

// quotedValue matches the excerpts of the file's values that yaml.v3 puts
// in its error messages between backquotes.
var quotedValue = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("`[^`]*`") })

// yamlMessage is the decoder's error without the values it quotes: the value
// it could not read may be a token typed in the wrong place.
func yamlMessage(err error) string {
	return quotedValue().ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "(value hidden)")
}

// Configured lists the connectors the configuration has enough for: a
// GitHub token, an Okta address and token, an AWS region or profile.
func (c *Config) Configured() []string {
	var out []string
	if c.GitHub.Token != "" {
		out = append(out, "github")
	}
	if c.Okta.OrgURL != "" && c.Okta.Token != "" {
		out = append(out, "okta")
	}
	if c.AWS.Region != "" || c.AWS.Profile != "" {
		out = append(out, "aws")
	}
	return out
}
