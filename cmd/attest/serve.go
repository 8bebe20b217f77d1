package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/web"
	"github.com/spf13/cobra"
)

// serveFlags are attest serve's options, shared with attest demo --serve.
type serveFlags struct {
	addr, org, publicURL string
}

func (f *serveFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	c.Flags().StringVar(&f.org, "org", "demo", "the trust center's name in its address (/trust/ORG)")
	c.Flags().StringVar(&f.publicURL, "public-url", "", "the address people reach the server at, for the links it mails (default: http://ADDR)")
}

func (m *Main) serveCommand() *cobra.Command {
	var f serveFlags
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the web app, the JSON API (/api/v1) and the trust center",
		Long: `Serve the dashboard, the JSON API under /api/v1 (OpenAPI document at
/api/v1/openapi.json), health and readiness endpoints, and the public trust
center at /trust/ORG. Users sign in with the accounts made by attest user
add; CI and collectors use API tokens (attest token create). Logs are
structured (JSON) on standard error. SIGINT or SIGTERM stops the server
gracefully.

Mail (access confirmations and personal links for the trust center) goes
through the SMTP server named by ATTEST_SMTP_ADDR (host:port), from
ATTEST_SMTP_FROM, with ATTEST_SMTP_USER and ATTEST_SMTP_PASSWORD when it
needs them. Without ATTEST_SMTP_ADDR messages are written to the log and
shown to admins on /admin/trust.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := m.open(cmd.Context())
			if err != nil {
				return err
			}
			defer d.Close()
			return m.serve(cmd.Context(), d, f, nil)
		},
	}
	f.register(c)
	return c
}

// serve runs the server on d until ctx ends; ready, when set, is called
// with the base URL once the server listens.
func (m *Main) serve(ctx context.Context, d *data, f serveFlags, ready func(url string)) error {
	log := slog.New(slog.NewJSONHandler(m.Stderr, nil))
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return attest.Errorf(attest.EINVALID, "--addr %s: %v", f.addr, err)
	}
	base := "http://" + ln.Addr().String()
	if f.publicURL == "" {
		f.publicURL = base
	}
	var mailer web.Mailer
	if addr := os.Getenv("ATTEST_SMTP_ADDR"); addr != "" {
		from := os.Getenv("ATTEST_SMTP_FROM")
		if from == "" {
			ln.Close()
			return attest.Errorf(attest.EINVALID, "ATTEST_SMTP_ADDR is set but ATTEST_SMTP_FROM is not: say which address mail comes from")
		}
		mailer = web.SMTP{Addr: addr, From: from, User: os.Getenv("ATTEST_SMTP_USER"), Password: os.Getenv("ATTEST_SMTP_PASSWORD")}
	}
	srv := &http.Server{Handler: web.New(web.Config{Store: d.db, Blobs: d.blobs, Log: log, Now: m.Now, Org: f.org, PublicURL: f.publicURL, Mailer: mailer}),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	log.Info("serving", "url", base+"/", "trust_center", f.publicURL+"/trust/"+f.org, "mail", mailer != nil)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if ready != nil {
		ready(base)
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
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
