package witness

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

// sigPrefix starts every signature line of a signed note.
const sigPrefix = "— "

// Parse splits a witness's text into its signed checkpoints. The text is
// signed notes one after another, a blank line between two, the layout of
// a file witness and of a webhook's answer; one note alone (a file written
// by `attest ledger checkpoint --out`) is the simplest case. Signatures are
// not checked here: the verifier has the key. An error names the line.
func Parse(text []byte) ([][]byte, error) {
	const (
		between = iota // before a checkpoint
		inText         // in its text
		gap            // the blank line after its text
		inSigs         // in its signature lines
	)
	var notes [][]byte
	var cur []string
	state := between
	lines := strings.Split(string(text), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	bad := func(no int, format string, args ...any) ([][]byte, error) {
		return nil, attest.Errorf(attest.EINVALID, "line %d: "+format, append([]any{no}, args...)...)
	}
	for i, l := range lines {
		no, sig := i+1, strings.HasPrefix(l, sigPrefix)
		switch {
		case strings.HasSuffix(l, "\r"):
			return bad(no, "a carriage return: checkpoints use bare newlines")
		case state == between && l == "":
		case state == between && sig:
			return bad(no, "a signature line where a checkpoint's text was expected")
		case state == between, state == inText && !sig && l != "":
			cur, state = append(cur, l), inText
		case state == inText && l == "":
			state = gap
		case state == inText:
			return bad(no, "a signature line right after the text: a blank line must come between")
		case state == gap && sig:
			cur, state = append(cur, "", l), inSigs
		case state == gap && l == "":
			return bad(no-1, "a checkpoint without a signature")
		case state == gap:
			return bad(no-1, "a blank line inside a checkpoint's text")
		case state == inSigs && sig:
			cur = append(cur, l)
		case state == inSigs && l == "":
			notes, cur, state = append(notes, []byte(strings.Join(cur, "\n")+"\n")), nil, between
		default:
			return bad(no, "want a signature line (starting with %q) or a blank line", sigPrefix)
		}
	}
	switch state {
	case inText, gap:
		return bad(len(lines), "the last checkpoint has no signature")
	case inSigs:
		notes = append(notes, []byte(strings.Join(cur, "\n")+"\n"))
	}
	return notes, nil
}

// Format joins signed checkpoints into the text Parse reads.
func Format(notes [][]byte) []byte {
	var b bytes.Buffer
	for i, n := range notes {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.Write(n)
	}
	return b.Bytes()
}

// origin is the first line of a signed note, the name of the log (and of
// the key) that signed it.
func origin(note []byte) string {
	first, _, _ := bytes.Cut(note, []byte("\n"))
	return string(first)
}

// body is a signed note's text without its signatures.
func body(note []byte) []byte {
	if i := bytes.Index(note, []byte("\n\n")); i >= 0 {
		return note[:i+1]
	}
	return note
}

// checkOrigin refuses a checkpoint of another log than the ones held: one
// witness keeps one ledger's history, so that every checkpoint it holds
// must verify with that ledger's key.
func checkOrigin(name string, held [][]byte, note []byte) error {
	if len(held) == 0 {
		return nil
	}
	if o, want := origin(note), origin(held[0]); o != want {
		return &attest.Error{Code: attest.ECONFLICT,
			Message: fmt.Sprintf("witness %s holds the checkpoints of ledger %q, not of %q", name, want, o),
			Hint:    "give each data directory its own witness; if this data directory was rebuilt on purpose, remove the witness (attest ledger witness remove) and add a new one"}
	}
	return nil
}
