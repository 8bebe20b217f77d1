// Package server is attest serve: the web app, the JSON API and the
// trust center (package web) and the background jobs (package jobs, with
// the handlers of this package), composed over one store. cmd/attest
// reads the flags, the environment and the clock and hands them here in a
// Config; the CLI's own code never imports web.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth/session"
	"github.com/attest-dev/attest/auth/sso"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/jobs"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/portal"
	"github.com/attest-dev/attest/web"
	"golang.org/x/mod/sumdb/note"
)

// Config is a server's settings, read by cmd/attest.
type Config struct {
	Store attest.Store
	Blobs blob.Store
	// DataDir holds the organization's check parameters
	// (check-params.yaml), which check-run jobs use by default.
	DataDir string
	// Signer signs the ledger's checkpoints and auditors' exports;
	// PublicKey verifies them; Checkpoint signs and stores the ledger's
	// current head.
	Signer     note.Signer
	PublicKey  string
	Checkpoint func(ctx context.Context) ([]byte, error)
	Log        *slog.Logger
	Now        func() time.Time
	// Getenv reads what jobs need from the environment: the connectors'
	// credentials, where Chromium is.
	Getenv  func(string) string
	Version string
	// Engagement is the engagement named when the server started: the
	// report-build jobs draft from it (empty: the current one).
	Engagement string

	// Addr is the address to listen on; Org the trust center's name in
	// its address (/trust/ORG). PublicURL is the address people use (nil:
	// the one listened on); https marks cookies Secure.
	Addr, Org string
	PublicURL *url.URL
	// SSO offers single sign-on beside the password (nil: none).
	SSO *SSO
	// Mail is the SMTP server mail goes through (nil: messages are logged
	// and shown to admins).
	Mail *mail.SMTP
	// AuditorGrace is how long auditors keep access after the report
	// date (nil: the setting, else the default).
	AuditorGrace   *time.Duration
	TrustedProxies []netip.Prefix

	// The job runner: this server's name in the queue, the periodic jobs
	// (LoadSchedule), the lease and poll interval, or no jobs at all.
	Worker      string
	Schedule    []jobs.Entry
	Lease, Poll time.Duration
	NoJobs      bool
}

// SSO is an OpenID Connect provider's settings.
type SSO struct{ Issuer, ClientID, ClientSecret string }

// complete checks what a server cannot run without (a store, the clock)
// and logs nowhere without a log.
func (cfg Config) complete() (Config, error) {
	if cfg.Store == nil || cfg.Now == nil {
		return cfg, errors.New("server: the configuration needs a store and a clock")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return cfg, nil
}

// WebConfig is the web server's configuration from cfg. Its PublicURL is
// empty without cfg.PublicURL (Run fills in the address it listens on).
// Its Outbox, over cfg.Mail, is the one the jobs mail through too, so the
// admins see every message the server sent.
func WebConfig(cfg Config) web.Config {
	wc := web.Config{Store: cfg.Store, Blobs: cfg.Blobs, Log: cfg.Log, Now: cfg.Now, Org: cfg.Org, Secure: cfg.PublicURL != nil && cfg.PublicURL.Scheme == "https",
		TrustedProxies: cfg.TrustedProxies, AuditorGrace: cfg.AuditorGrace, Signer: cfg.Signer, PublicKey: cfg.PublicKey, Checkpoint: cfg.Checkpoint,
		StateRecheck: 250 * time.Millisecond, Checklist: portal.PeopleTasks{Store: cfg.Store}}
	var smtp mail.Mailer // nil: log and keep only
	if cfg.Mail != nil {
		smtp = *cfg.Mail
	}
	wc.Outbox = mail.NewOutbox(smtp, cfg.Log)
	if cfg.PublicURL != nil {
		wc.PublicURL = strings.TrimSuffix(cfg.PublicURL.String(), "/")
		if cfg.SSO != nil {
			wc.OIDC = &sso.Config{Issuer: cfg.SSO.Issuer, ClientID: cfg.SSO.ClientID, ClientSecret: cfg.SSO.ClientSecret, RedirectURL: wc.PublicURL + "/login/oidc/callback"}
		}
	}
	return wc
}

// Run serves until ctx ends, then stops gracefully: background work
// first (a job in progress is left to its lease, and another server takes
// it over), then the open requests. ready, when set, is called with the
// address listened on and the one people use once the server listens.
func Run(ctx context.Context, cfg Config, ready func(local, public string)) error {
	cfg, err := cfg.complete()
	if err != nil {
		return err
	}
	log := cfg.Log
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return attest.Errorf(attest.EINVALID, "listen on %s: %v", cfg.Addr, err)
	}
	local := "http://" + ln.Addr().String()
	wc := WebConfig(cfg)
	if wc.PublicURL == "" {
		wc.PublicURL = local
	}
	base := wc.PublicURL
	ws := web.New(wc)
	h := handlers{cfg: cfg, send: wc.Outbox, base: base}
	runner := &jobs.Runner{Store: cfg.Store, Worker: cfg.Worker, Handlers: h.all(), Lease: cfg.Lease, Poll: cfg.Poll, Now: cfg.Now, Log: log, Schedule: cfg.Schedule}
	srv := &http.Server{Handler: ws,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	log.Info("serving", "url", local+"/", "public_url", base+"/", "trust_center", base+"/trust/"+cfg.Org, "single_sign_on", wc.OIDC != nil, "mail", cfg.Mail != nil)
	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	// Sessions are dated on the wall clock, whatever cfg.Now says (see
	// package session).
	go func() { defer wg.Done(); session.Sweep(bg, cfg.Store, time.Now, 10*time.Minute, log) }()
	if !cfg.NoJobs {
		wg.Add(1)
		go func() { defer wg.Done(); runner.Run(bg) }()
		log.Info("job runner started", "worker", runner.Worker, "lease", runner.Lease.String(), "schedule", len(runner.Schedule))
	}
	defer func() { stopBG(); wg.Wait() }()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if ready != nil {
		ready(local, base)
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopBG()
	shut, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
