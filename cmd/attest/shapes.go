package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/spf13/cobra"
)

// More shapes several commands share, beside run.go's: a write that may
// record nothing, a record named by its number, a file named on the
// command line, an account named by its e-mail address, output to --out
// FILE or standard output, an auditor's signed act, findings that fail
// the command, and a result printed beside an error.

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

// numbered adapts fn, which acts on the record args[0] names by its
// number, to reads and writes. parse reads the number (campaignArg,
// itemArg) once the data directory is open, so that a command run without
// one says that first.
func numbered[T any](parse func(string) (int64, error), fn func(ctx context.Context, d *data, id int64) (T, error)) func(context.Context, *data, []string) (T, error) {
	return func(ctx context.Context, d *data, args []string) (T, error) {
		id, err := parse(args[0])
		if err != nil {
			var zero T
			return zero, err
		}
		return fn(ctx, d, id)
	}
}

// recordNumber reads the number of a record named on the command line,
// "12" or "#12"; anything else is "not" what.
func recordNumber(s, what string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, attest.Errorf(attest.EINVALID, "%q is not %s", s, what)
	}
	return id, nil
}

// readInput reads a file named on the command line: one that cannot be
// read is the caller's to fix (EINVALID).
func readInput(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "read %s: %v", path, err)
	}
	return b, nil
}

// accountOf finds the account with the e-mail address (spaces trimmed);
// for an address no account has it returns missing, which names the flag
// or the role the address was given for.
func accountOf(ctx context.Context, s attest.Store, email string, missing error) (*attest.User, error) {
	u, err := s.UserByEmail(ctx, strings.TrimSpace(email))
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, missing
	}
	return u, err
}

// writeOut writes what render makes to the file at path, whole or not at
// all (writeFileAtomic), or to standard output when path is "". It says
// whether it wrote the file, which the command then reports.
func (m *Main) writeOut(path string, render func(io.Writer) error) (bool, error) {
	var b bytes.Buffer
	if err := render(&b); err != nil {
		return false, err
	}
	if path == "" {
		_, err := m.Stdout.Write(b.Bytes())
		return false, err
	}
	if err := atomicfile.Write(path, b.Bytes()); err != nil {
		return false, err
	}
	return true, nil
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
