package main

import (
	"context"
)

// More shapes several commands share, beside run.go's.

// writesIf is writes for a command whose workflow may record nothing (a
// file imported again, a change to what is already so): the checkpoint is
// signed only when wrote says the workflow wrote.
func writesIf[T any](m *Main, act func(ctx context.Context, d *data, args []string) (T, error), wrote func(T) bool, say func(T) error) runner {
	return reads(m, func(ctx context.Context, d *data, args []string) (T, error) {
		v, err := act(ctx, d, args)
		if err == nil && wrote(v) {
			_, err = d.checkpoint(ctx)
		}
		return v, err
	}, say)
}
