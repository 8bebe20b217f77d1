package main

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/server"
	"github.com/spf13/cobra"
)

func (m *Main) jobCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "job",
		Short: "List and enqueue background jobs (check runs, collections, report builds) that attest serve runs",
		Long: `Background jobs run in attest serve: every server on the same database
takes jobs from one queue, each job is claimed by one server at a time
under a lease, and a job whose server stops is taken over by another when
the lease runs out. What a job records (evidence, report drafts) is
recorded once, however often it is tried.

Kinds and their payloads (JSON; paths are read by the server that runs the
job):
  check-run     {"input": DIR, "checks": DIR, "check": [ID...], "params": FILE}
  collect       {"from": DIR, "source": NAME, "config": FILE}
  report-build  {"kind": "SOC 2", "type": "Type 2", "format": "html,md", "out": DIR}
  review-reminders  {"every": "168h", "unassigned_to": EMAIL}: reminds each
                reviewer with accounts undecided in an access review past its
                due date (by mail, or in the outbox admins see), at most once
                per interval; attest serve runs it
  checklist-reminders  {"every": "168h", "unassigned_to": EMAIL}: mails each
                assignee of onboarding and offboarding items past their due
                date, at most once per interval; attest serve runs it
  portal-reminders  {"every": "168h"}: mails each person what the employee
                portal asks of them and is overdue (policies to acknowledge,
                training), at most once per interval; attest serve runs it`,
	}
	c.AddCommand(m.jobList(), m.jobEnqueue())
	return c
}

func (m *Main) jobList() *cobra.Command {
	var state string
	var limit int
	c := &cobra.Command{
		Use:   "list",
		Short: "List jobs, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return reads(m, func(ctx context.Context, d *data, _ []string) (jobsListed, error) {
				l, err := server.ListJobs(ctx, d.db, state, limit)
				return jobsListed{l}, flagged(err, "state", "--state")
			}, m.printJobs)(cmd, args)
		},
	}
	c.Flags().StringVar(&state, "state", "", "only jobs in this state: queued, running, done, failed")
	c.Flags().IntVar(&limit, "limit", 100, "at most this many")
	return c
}

// jobsListed is what job list prints.
type jobsListed struct {
	Jobs []attest.Job `json:"jobs"`
}

func (m *Main) printJobs(v jobsListed) error {
	for _, j := range v.Jobs {
		extra := ""
		if j.LockedBy != "" && j.State == attest.JobRunning {
			extra = " on " + j.LockedBy
		}
		if j.LastError != "" {
			extra += "; last error: " + j.LastError
		}
		m.printf("%6d  %-19s %-8s attempt %d/%d  due %s%s\n", j.ID, j.Kind, j.State, j.Attempts, j.MaxAttempts, j.RunAt.Format(time.RFC3339), extra)
	}
	m.printf("%d jobs.\n", len(v.Jobs))
	return nil
}

// jobQueued is what job enqueue answers (JSON keys in alphabetical order,
// as they have always been printed).
type jobQueued struct {
	Created bool        `json:"created"`
	Job     *attest.Job `json:"job"`
}

func (m *Main) jobEnqueue() *cobra.Command {
	var payload, key string
	var maxAttempts int
	c := &cobra.Command{
		Use:   "enqueue KIND",
		Short: "Add a job to the queue (with --key, at most once per key)",
		Long: `Add a job of KIND (` + strings.Join(server.JobKinds(), ", ") + `) with a JSON payload. With --key,
a job with the same key is not added again: the existing one is shown.
Exit status: 0 when the job is queued (or already was), 2 for a bad kind or
payload.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The queue is not the ledger: no checkpoint to sign.
			return reads(m, func(ctx context.Context, d *data, args []string) (jobQueued, error) {
				j, created, err := server.Enqueue(ctx, d.db, attest.Job{Kind: args[0], Payload: json.RawMessage(payload), Key: key, MaxAttempts: maxAttempts}, m.Now())
				return jobQueued{created, j}, flagged(flagged(err, "payload:", "--payload:"), "max attempts", "--max-attempts")
			}, func(v jobQueued) error {
				j := v.Job
				if v.Created {
					m.printf("Queued job %d (%s).\n", j.ID, j.Kind)
				} else {
					m.printf("Job %d already has key %s (%s, %s).\n", j.ID, key, j.Kind, j.State)
				}
				return nil
			})(cmd, args)
		},
	}
	c.Flags().StringVar(&payload, "payload", "{}", "the job's payload, JSON")
	c.Flags().StringVar(&key, "key", "", "a unique key: the job is added once per key")
	c.Flags().IntVar(&maxAttempts, "max-attempts", server.DefaultMaxAttempts, "how often the job is tried before it is marked failed")
	return c
}
