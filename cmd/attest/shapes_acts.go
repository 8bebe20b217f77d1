package main

import (
	"context"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/spf13/cobra"
)

// More shapes of a command's RunE, in the manner of run.go: the few that
// several commands share beyond reads and writes.

// writesControl is writes for a command on one control of any engagement,
// named by a flag (control points at its value): act gets the control's
// ID as stored (requireControl).
func writesControl[T any](m *Main, control *string, act func(ctx context.Context, d *data, id string) (T, error), say func(T) error) runner {
	return writes(m, func(ctx context.Context, d *data, _ []string) (T, error) {
		id, err := requireControl(ctx, d.db, *control)
		if err != nil {
			var zero T
			return zero, err
		}
		return act(ctx, d, id)
	}, say)
}

// signs is the RunE of the service auditor's signed act on the
// engagement: act runs signed with the auditor's key, and a checkpoint is
// signed after it (signedAct); its result is printed as by reads.
func signs[T any](m *Main, act func(ctx context.Context, d *data, e *attest.Engagement, c auditorCall, sl fieldwork.Seal) (T, error), say func(T) error) runner {
	return readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (T, error) {
		return signedAct(ctx, m, d, e, func(c auditorCall, sl fieldwork.Seal) (T, error) {
			return act(ctx, d, e, c, sl)
		})
	}, say)
}

// readsAbout is readsIn for a command whose text names the engagement
// beside what load returns (an empty list says which engagement has none):
// say gets both.
func readsAbout[T any](m *Main, load func(ctx context.Context, d *data, e *attest.Engagement, args []string) (T, error), say func(*attest.Engagement, T) error) runner {
	return func(cmd *cobra.Command, args []string) error {
		var about *attest.Engagement
		return readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) (T, error) {
			about = e
			return load(ctx, d, e, args)
		}, func(v T) error { return say(about, v) })(cmd, args)
	}
}

// onNumber is the RunE of a command on one record named by its number
// (args[0]): parse reads the number before the data directory opens, and
// run makes the RunE (reads, writes, signs) that acts on that record.
func onNumber(parse func(string) (int64, error), run func(id int64) runner) runner {
	return func(cmd *cobra.Command, args []string) error {
		id, err := parse(args[0])
		if err != nil {
			return err
		}
		return run(id)(cmd, args)
	}
}

// findings is show for a result that may hold findings (gaps, failing
// tests): the command then fails (exit 1), with --json too.
func findings[T any](m *Main, v T, say func(T) error, found func(T) bool) error {
	if err := show(m, v, say); err != nil {
		return err
	}
	if found(v) {
		return failure{exitFailed}
	}
	return nil
}

// finds is the RunE of a command that reads the data for findings: load's
// result is printed as by reads, and the command fails when found says it
// holds any (findings).
func finds[T any](m *Main, load func(ctx context.Context, d *data, args []string) (T, error), say func(T) error, found func(T) bool) runner {
	return func(cmd *cobra.Command, args []string) error {
		return m.withData(cmd.Context(), func(d *data) error {
			v, err := load(cmd.Context(), d, args)
			if err != nil {
				return err
			}
			return findings(m, v, say, found)
		})
	}
}

// partly is show for a result that came with an error beside it (the
// drafts written before the PDF failed): v is printed, then err returned.
func partly[T any](m *Main, v T, say func(T) error, err error) error {
	if serr := show(m, v, say); err == nil {
		err = serr
	}
	return err
}
