package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/attest-dev/attest"
	"github.com/spf13/cobra"
)

// The shapes of a command's RunE. Nearly every command opens the data
// directory, calls one workflow or loader, and prints its result: as JSON
// with --json, else for a person. A command that changes the data also
// signs a checkpoint of the ledger once the workflow has written. These
// functions hold that prologue and epilogue once; a command supplies what
// it calls and how its result reads.

// runner is a command's RunE.
type runner = func(*cobra.Command, []string) error

// reads is the RunE of a command that reads the data: load's result is
// printed as JSON, or by say.
func reads[T any](m *Main, load func(ctx context.Context, d *data, args []string) (T, error), say func(T) error) runner {
	return func(cmd *cobra.Command, args []string) error {
		return m.withData(cmd.Context(), func(d *data) error {
			v, err := load(cmd.Context(), d, args)
			if err != nil {
				return err
			}
			return show(m, v, say)
		})
	}
}

// writes is the RunE of a command that changes the data: act's result is
// printed, as by reads, after a checkpoint of the ledger is signed.
func writes[T any](m *Main, act func(ctx context.Context, d *data, args []string) (T, error), say func(T) error) runner {
	return func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		return m.withData(ctx, func(d *data) error {
			v, err := act(ctx, d, args)
			if err != nil {
				return err
			}
			if _, err := d.checkpoint(ctx); err != nil {
				return err
			}
			return show(m, v, say)
		})
	}
}

// readsIn and writesIn are reads and writes for a command that acts on one
// engagement (--engagement, the current one, or the only one).
func readsIn[T any](m *Main, load func(ctx context.Context, d *data, e *attest.Engagement, args []string) (T, error), say func(T) error) runner {
	return reads(m, inEngagement(m, load), say)
}

func writesIn[T any](m *Main, act func(ctx context.Context, d *data, e *attest.Engagement, args []string) (T, error), say func(T) error) runner {
	return writes(m, inEngagement(m, act), say)
}

func inEngagement[T any](m *Main, fn func(context.Context, *data, *attest.Engagement, []string) (T, error)) func(context.Context, *data, []string) (T, error) {
	return func(ctx context.Context, d *data, args []string) (T, error) {
		e, err := m.engagement(ctx, d.db)
		if err != nil {
			var zero T
			return zero, err
		}
		return fn(ctx, d, e, args)
	}
}

// show prints v as JSON with --json, else by say (nothing when say is nil).
func show[T any](m *Main, v T, say func(T) error) error {
	if m.cfg.json {
		return m.printJSON(v)
	}
	if say == nil {
		return nil
	}
	return say(v)
}

// rows prints a table: the header (tab-separated columns), then one line
// per item from row, which returns the item's cells.
func rows[T any](w io.Writer, header string, items []T, row func(T) []any) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, it := range items {
		cells := row(it)
		for i, c := range cells {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, c)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
