package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/internal/secretfile"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/server"
	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"
)

// serveFlags are attest serve's options, shared with attest demo --serve.
type serveFlags struct {
	addr, org, publicURL string
	sso                  ssoFlags
	grace                time.Duration
	graceSet             bool // --auditor-grace was given (0 means 0)
	// The job runner: this server's name in the queue, the schedule file,
	// the lease and poll interval, or no jobs at all.
	worker, schedule string
	lease, poll      time.Duration
	noJobs           bool
	// trustedProxies are the reverse proxies whose X-Forwarded-For counts.
	trustedProxies []string
}

func (f *serveFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	c.Flags().StringVar(&f.org, "org", "demo", "the trust center's name in its address (/trust/ORG)")
	c.Flags().StringVar(&f.publicURL, "public-url", "", "the address people use to reach this server, e.g. https://attest.example.com (for mailed links and the single sign-on callback; https marks cookies Secure)")
	c.Flags().StringVar(&f.sso.issuer, "oidc-issuer", "", "OpenID Connect issuer for single sign-on, e.g. https://accounts.example.com")
	c.Flags().StringVar(&f.sso.clientID, "oidc-client-id", "", "this server's client ID at the OpenID Connect provider")
	c.Flags().DurationVar(&f.grace, "auditor-grace", 0, "how long auditors keep access after the engagement's report date (default: the setting "+auth.GraceSetting+", else 720h)")
	c.Flags().StringVar(&f.sso.secretFile, "oidc-client-secret-file", "", "file holding the client secret, readable only by its owner (or set ATTEST_OIDC_CLIENT_SECRET)")
	c.Flags().StringVar(&f.worker, "worker-id", "", "this server's name in the job queue (default: host name and process ID)")
	c.Flags().DurationVar(&f.lease, "job-lease", time.Minute, "how long a claimed job stays this server's without a heartbeat; after it, another server takes the job over")
	c.Flags().DurationVar(&f.poll, "job-poll", time.Second, "how often to look for due jobs when the queue is empty")
	c.Flags().StringVar(&f.schedule, "schedule", "", "YAML file of periodic jobs (name, kind, every, payload)")
	c.Flags().BoolVar(&f.noJobs, "no-jobs", false, "run no background jobs in this server")
	c.Flags().StringArrayVar(&f.trustedProxies, "trusted-proxy", nil, "a reverse proxy (address or CIDR) whose X-Forwarded-For names the client (repeatable)")
}

// proxies parses --trusted-proxy.
func (f *serveFlags) proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range f.trustedProxies {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return nil, attest.Errorf(attest.EINVALID, "--trusted-proxy %q: want an address or a CIDR such as 10.0.0.0/8", v)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (m *Main) serveCommand() *cobra.Command {
	var f serveFlags
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the web app, the JSON API (/api/v1) and the trust center",
		Long: `Serve the dashboard, the JSON API under /api/v1 (OpenAPI document at
/api/v1/openapi.json), health and readiness endpoints, and the public trust
center at /trust/ORG. Users sign in with the accounts made by attest user
add, or with single sign-on when --oidc-issuer, --oidc-client-id, the
client secret and --public-url are given (an existing, enabled user with
the provider-verified e-mail; no account is created). CI and collectors
use API tokens (attest token create). Logs are structured (JSON) on
standard error. SIGINT or SIGTERM stops the server gracefully.

Mail (access confirmations and personal links for the trust center) goes
through the SMTP server named by ATTEST_SMTP_ADDR (host:port), from
ATTEST_SMTP_FROM, with ATTEST_SMTP_USER and ATTEST_SMTP_PASSWORD when it
needs them. Without ATTEST_SMTP_ADDR messages are written to the log and
shown to admins on /admin/trust.

An auditor's access lasts until the report date of the engagements they are
named on, plus a grace period (--auditor-grace, or the setting
auditor.grace, default 30 days); after it they can no longer sign in or use
their tokens. The server signs ledger checkpoints and auditors' working-paper
exports with the data directory's ledger key.

Background jobs (attest job) run in the server: every server on the same
database takes jobs from one queue. --schedule FILE enqueues periodic jobs
(YAML: a list of name, kind, every, payload); every server may run the same
schedule, and each slot becomes one job.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.graceSet = cmd.Flags().Changed("auditor-grace")
			if err := f.check(m); err != nil {
				return err
			}
			d, err := m.open(cmd.Context())
			if err != nil {
				return err
			}
			defer d.Close()
			// Data recorded by name before accounts were linked: every name
			// that matches exactly one account is linked now; the rest wait
			// for an administrator (attest user unresolved).
			linked, left, err := auth.LinkNames(cmd.Context(), d.db, m.change(), nil, false)
			if err != nil {
				return err
			}
			if len(linked) > 0 {
				if _, err := d.checkpoint(cmd.Context()); err != nil {
					return err
				}
			}
			if len(left) > 0 {
				m.warn(fmt.Sprintf("%d names of auditors or control owners are not linked to an account: see attest user unresolved", len(left)))
			}
			return m.serve(cmd.Context(), d, f, nil)
		},
	}
	f.register(c)
	return c
}

// check validates the flags before anything is opened.
func (f *serveFlags) check(m *Main) error {
	if f.grace < 0 {
		return attest.Errorf(attest.EINVALID, "--auditor-grace %s: want 0 or more", f.grace)
	}
	if _, err := f.proxies(); err != nil {
		return err
	}
	_, _, err := f.resolve(m)
	return err
}

func (f *serveFlags) resolve(m *Main) (*url.URL, *server.SSO, error) {
	public, err := parsePublicURL(f.publicURL)
	if err != nil {
		return nil, nil, err
	}
	sso, err := f.sso.config(public, m.Getenv)
	return public, sso, err
}

// serve runs the server on d until ctx ends; ready, when set, is called
// with the base URL once the server listens.
func (m *Main) serve(ctx context.Context, d *data, f serveFlags, ready func(url string)) error {
	public, sso, err := f.resolve(m)
	if err != nil {
		return err
	}
	cfg, err := m.serverConfig(d, f, public, sso, slog.New(slog.NewJSONHandler(m.Stderr, nil)))
	if err != nil {
		return err
	}
	if err := m.jobSettings(&cfg, f); err != nil {
		return err
	}
	err = server.Run(ctx, cfg, func(local, base string) {
		if m.Interactive {
			// The log is JSON for machines; a person at a terminal is
			// told where to go.
			fmt.Fprintf(m.Stdout, "Attest is serving at %s/ (the trust center at %s/trust/%s). Stop it with Ctrl-C.\n", base, base, f.org)
		}
		if ready != nil {
			ready(local)
		}
	})
	return flagged(err, "listen on", "--addr")
}

// ssoFlags are the single sign-on settings of attest serve.
type ssoFlags struct{ issuer, clientID, secretFile string }

// config checks the single sign-on settings: none at all, or all of them.
func (f ssoFlags) config(public *url.URL, getenv func(string) string) (*server.SSO, error) {
	if f.issuer == "" && f.clientID == "" && f.secretFile == "" {
		return nil, nil
	}
	if f.issuer == "" || f.clientID == "" {
		return nil, attest.Errorf(attest.EINVALID, "single sign-on needs both --oidc-issuer and --oidc-client-id")
	}
	if u, err := url.Parse(f.issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, attest.Errorf(attest.EINVALID, "--oidc-issuer %q: want an http(s) address", f.issuer)
	}
	if public == nil {
		return nil, attest.Errorf(attest.EINVALID, "single sign-on needs --public-url, the address the provider sends people back to")
	}
	secret, err := clientSecret(f.secretFile, getenv)
	if err != nil {
		return nil, err
	}
	return &server.SSO{Issuer: f.issuer, ClientID: f.clientID, ClientSecret: secret}, nil
}

// clientSecret reads the secret from its file, which must not be readable
// by anyone but its owner, or else from ATTEST_OIDC_CLIENT_SECRET.
func clientSecret(file string, getenv func(string) string) (string, error) {
	if file == "" {
		if v := strings.TrimSpace(getenv("ATTEST_OIDC_CLIENT_SECRET")); v != "" {
			return v, nil
		}
		return "", attest.Errorf(attest.EINVALID, "single sign-on needs the client secret: --oidc-client-secret-file or ATTEST_OIDC_CLIENT_SECRET")
	}
	fi, err := os.Stat(file)
	if err != nil {
		return "", attest.Errorf(attest.EINVALID, "--oidc-client-secret-file: %v", err)
	}
	if !secretfile.OwnerOnly(fi.Mode()) {
		return "", attest.Errorf(attest.EINVALID, "--oidc-client-secret-file %s: readable by others (mode %04o): chmod 600 it", file, fi.Mode().Perm())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", attest.Errorf(attest.EINVALID, "--oidc-client-secret-file: %v", err)
	}
	secret := strings.TrimSpace(string(b))
	if secret == "" {
		return "", attest.Errorf(attest.EINVALID, "--oidc-client-secret-file %s is empty", file)
	}
	return secret, nil
}

// parsePublicURL checks --public-url: empty, or an absolute http(s)
// address without query or fragment.
func parsePublicURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, attest.Errorf(attest.EINVALID, "--public-url %q: want an http(s) address such as https://attest.example.com", s)
	}
	return u, nil
}

// serverConfig is the server's configuration over d: the store, the
// blobs, the ledger's key for checkpoints and exports, mail, single
// sign-on.
func (m *Main) serverConfig(d *data, f serveFlags, public *url.URL, sso *server.SSO, log *slog.Logger) (server.Config, error) {
	proxies, err := f.proxies()
	if err != nil {
		return server.Config{}, err
	}
	var grace *time.Duration
	if f.graceSet {
		grace = &f.grace // 0 means no grace at all, not the default
	}
	priv, err := d.privateKey()
	if err != nil {
		return server.Config{}, err
	}
	signer, err := note.NewSigner(priv)
	if err != nil {
		return server.Config{}, fmt.Errorf("the ledger's signing key: %w", err)
	}
	pub, err := d.publicKey()
	if err != nil {
		return server.Config{}, err
	}
	var smtp *mail.SMTP
	if addr := m.Getenv("ATTEST_SMTP_ADDR"); addr != "" {
		from := m.Getenv("ATTEST_SMTP_FROM")
		if from == "" {
			return server.Config{}, attest.Errorf(attest.EINVALID, "ATTEST_SMTP_ADDR is set but ATTEST_SMTP_FROM is not: say which address mail comes from")
		}
		smtp = &mail.SMTP{Addr: addr, From: from, User: m.Getenv("ATTEST_SMTP_USER"), Password: m.Getenv("ATTEST_SMTP_PASSWORD")}
	}
	return server.Config{Store: d.db, Blobs: d.blobs, DataDir: d.dir, Signer: signer, PublicKey: pub, Checkpoint: d.checkpoint,
		Log: log, Now: m.Now, Getenv: m.Getenv, Version: version, Engagement: m.cfg.engagement,
		Addr: f.addr, Org: f.org, PublicURL: public, SSO: sso, Mail: smtp, AuditorGrace: grace, TrustedProxies: proxies}, nil
}

// jobSettings reads the job runner's flags into cfg.
func (m *Main) jobSettings(cfg *server.Config, f serveFlags) error {
	if f.lease < time.Second {
		return attest.Errorf(attest.EINVALID, "--job-lease %s: want at least 1s", f.lease)
	}
	if f.poll < 10*time.Millisecond {
		return attest.Errorf(attest.EINVALID, "--job-poll %s: want at least 10ms", f.poll)
	}
	cfg.Worker, cfg.Lease, cfg.Poll, cfg.NoJobs = f.worker, f.lease, f.poll, f.noJobs
	if cfg.Worker == "" {
		host, _ := os.Hostname()
		cfg.Worker = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if f.schedule != "" {
		var err error
		if cfg.Schedule, err = server.LoadSchedule(f.schedule); err != nil {
			return flagged(err, "schedule:", "--schedule:")
		}
	}
	return nil
}
