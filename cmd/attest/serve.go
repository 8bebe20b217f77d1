package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/web"
	"github.com/spf13/cobra"
)

func (m *Main) serveCommand() *cobra.Command {
	var addr, org string
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the web app, the JSON API (/api/v1) and the trust center",
		Long: `Serve the dashboard, the JSON API under /api/v1 (OpenAPI document at
/api/v1/openapi.json), health and readiness endpoints, and the public trust
center at /trust/ORG. Users sign in with the accounts made by attest user
add; CI and collectors use API tokens (attest token create). Logs are
structured (JSON) on standard error. SIGINT or SIGTERM stops the server
gracefully.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			log := slog.New(slog.NewJSONHandler(m.Stderr, nil))
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return attest.Errorf(attest.EINVALID, "--addr %s: %v", addr, err)
			}
			pub, err := d.publicKey()
			if err != nil {
				return err
			}
			srv := &http.Server{Handler: web.New(web.Config{Store: d.db, Blobs: d.blobs, Log: log, Now: m.Now, Org: org, LedgerKey: pub, Checkpoint: d.checkpoint}),
				ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
			log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "trust_center", "http://"+ln.Addr().String()+"/trust/"+org)
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
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
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	c.Flags().StringVar(&org, "org", "demo", "the trust center's name in its address (/trust/ORG)")
	return c
}
