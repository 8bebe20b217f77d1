package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
)

// More shapes several commands share, beside run.go's: a write that may
// record nothing, a record named by its number, a file named on the
// command line, an account named by its e-mail address, and output to
// --out FILE or standard output.

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
	if err := writeFileAtomic(path, b.Bytes()); err != nil {
		return false, err
	}
	return true, nil
}
