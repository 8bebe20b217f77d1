package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/jobs"
	"github.com/attest-dev/attest/web"
	"github.com/spf13/cobra"
)

func (m *Main) serveCommand() *cobra.Command {
	var addr, org, worker, schedule string
	var lease, poll time.Duration
	var noJobs bool
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the web app, the JSON API (/api/v1) and the trust center",
		Long: `Serve the dashboard, the JSON API under /api/v1 (OpenAPI document at
/api/v1/openapi.json), health and readiness endpoints, and the public trust
center at /trust/ORG. Users sign in with the accounts made by attest user
add; CI and collectors use API tokens (attest token create). Logs are
structured (JSON) on standard error. SIGINT or SIGTERM stops the server
gracefully.

Background jobs (attest job) run in the server: every server on the same
database takes jobs from one queue. --schedule FILE enqueues periodic jobs
(YAML: a list of name, kind, every, payload); every server may run the same
schedule, and each slot becomes one job.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			log := slog.New(slog.NewJSONHandler(m.Stderr, nil))
			runner, err := m.jobRunner(d, log, worker, schedule, lease, poll)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return attest.Errorf(attest.EINVALID, "--addr %s: %v", addr, err)
			}
			ws := web.New(web.Config{Store: d.db, Blobs: d.blobs, Log: log, Now: m.Now, Org: org})
			srv := &http.Server{Handler: ws,
				ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
			log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "trust_center", "http://"+ln.Addr().String()+"/trust/"+org)
			bg, stopBG := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); ws.SweepSessions(bg, 10*time.Minute) }()
			if !noJobs {
				wg.Add(1)
				go func() { defer wg.Done(); runner.Run(bg) }()
				log.Info("job runner started", "worker", runner.Worker, "lease", runner.Lease.String(), "schedule", len(runner.Schedule))
			}
			// Stopping: background work first (a job in progress is left
			// to its lease, and another server takes it over).
			defer func() { stopBG(); wg.Wait() }()
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
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
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	c.Flags().StringVar(&org, "org", "demo", "the trust center's name in its address (/trust/ORG)")
	c.Flags().StringVar(&worker, "worker-id", "", "this server's name in the job queue (default: host name and process ID)")
	c.Flags().DurationVar(&lease, "job-lease", time.Minute, "how long a claimed job stays this server's without a heartbeat; after it, another server takes the job over")
	c.Flags().DurationVar(&poll, "job-poll", time.Second, "how often to look for due jobs when the queue is empty")
	c.Flags().StringVar(&schedule, "schedule", "", "YAML file of periodic jobs (name, kind, every, payload)")
	c.Flags().BoolVar(&noJobs, "no-jobs", false, "run no background jobs in this server")
	return c
}

// jobRunner builds the server's job runner from its flags.
func (m *Main) jobRunner(d *data, log *slog.Logger, worker, schedule string, lease, poll time.Duration) (*jobs.Runner, error) {
	if lease < time.Second {
		return nil, attest.Errorf(attest.EINVALID, "--job-lease %s: want at least 1s", lease)
	}
	if poll < 10*time.Millisecond {
		return nil, attest.Errorf(attest.EINVALID, "--job-poll %s: want at least 10ms", poll)
	}
	if worker == "" {
		host, _ := os.Hostname()
		worker = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	r := &jobs.Runner{Store: d.db, Worker: worker, Handlers: m.jobHandlers(d), Lease: lease, Poll: poll, Now: m.Now, Log: log}
	if schedule != "" {
		var err error
		if r.Schedule, err = jobs.LoadSchedule(schedule, jobKinds()); err != nil {
			return nil, err
		}
	}
	return r, nil
}
