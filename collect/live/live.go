// Package live fetches evidence from vendor APIs (GitHub, Okta, AWS) and
// returns the same normalized records the file importers in package collect
// produce (collect/RECORDS.md). A connector either reads everything it was
// asked for or returns an error and no result: evidence that stopped half-way
// must never be recorded as if it were complete.
//
// Credentials come from the environment or a config file (LoadConfig). They
// are held as Secret values, which print as "[redacted]", and are kept out of
// errors, log lines and records.
package live

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/collect"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Sources returns the names of the connectors Collect knows.
func Sources() []string { return []string{"github", "okta", "aws"} }

// Collect runs the connector called name with the credentials in cfg.
func Collect(ctx context.Context, name string, cfg *Config) (*collect.Result, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	client := &http.Client{Timeout: time.Minute}
	switch name {
	case "github":
		g := &GitHub{BaseURL: cfg.GitHub.APIURL, Token: cfg.GitHub.Token, Org: cfg.GitHub.Org,
			Repos: cfg.GitHub.Repos, HTTP: client, Log: cfg.Log}
		return g.Collect(ctx)
	case "okta":
		o := &Okta{BaseURL: cfg.Okta.OrgURL, Token: cfg.Okta.Token, HTTP: client, Log: cfg.Log}
		return o.Collect(ctx)
	case "aws":
		awsCfg, err := loadAWS(ctx, cfg.AWS)
		if err != nil {
			return nil, err
		}
		a := &AWS{Config: awsCfg, Log: cfg.Log}
		return a.Collect(ctx)
	}
	return nil, &attest.Error{Code: attest.EINVALID, Message: "no live source called " + strconv.Quote(name),
		Hint: "the sources are github, okta and aws"}
}

// loadAWS builds the SDK's configuration from the standard chain
// (environment, shared files, SSO, instance roles), with the region and
// profile the config names.
func loadAWS(ctx context.Context, c AWSConfig) (awsCfg aws.Config, err error) {
	// Five tries (the SDK's default is three) ride out a brief outage.
	opts := []func(*config.LoadOptions) error{config.WithRetryMaxAttempts(5)}
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	awsCfg, err = config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return awsCfg, &attest.Error{Code: attest.EINVALID, Message: "aws: cannot load the AWS configuration: " + err.Error(),
			Hint: "check AWS_PROFILE, aws.profile and the shared config files"}
	}
	if awsCfg.Region == "" {
		return awsCfg, &attest.Error{Code: attest.EINVALID, Message: "aws: no region is set",
			Hint: "set AWS_REGION or aws.region in the config file"}
	}
	return awsCfg, nil
}

// logger returns l, or a logger that discards everything.
func logger(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.New(slog.DiscardHandler)
}
