package witness_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/attest-dev/attest/witness"
)

func TestParse(t *testing.T) {
	s := newSigner(t, "attest-0000aaaa")
	a, b := s.sign(1), s.sign(2)
	good := map[string]int{
		"":                           0,
		"\n\n":                       0,
		string(a):                    1,
		string(a) + "\n" + string(b): 2,
		"\n" + string(a) + "\n\n\n" + string(b) + "\n": 2,
	}
	for text, want := range good {
		got, err := witness.Parse([]byte(text))
		if err != nil || len(got) != want {
			t.Errorf("Parse(%q) = %d notes, %v; want %d", text, len(got), err, want)
		}
	}
	got, _ := witness.Parse(witness.Format([][]byte{a, b}))
	if len(got) != 2 || !bytes.Equal(got[0], a) || !bytes.Equal(got[1], b) {
		t.Errorf("Format then Parse changed the notes: %q", got)
	}
	sig := string(a[bytes.Index(a, []byte("\n\n"))+2:])
	bad := map[string]string{
		"attest-0000aaaa\n1\nAAAA\n":                "line 3: the last checkpoint has no signature",
		"attest-0000aaaa\n1\n\nAAAA\n\n" + sig:      "line 3: a blank line inside",
		sig:                                         "line 1: a signature line where",
		"attest-0000aaaa\n1\nAAAA\n" + sig:          "line 4: a signature line right after",
		string(a) + "next\n":                        "line 6: want a signature line",
		"attest-0000aaaa\n1\nAAAA\n\n\n" + sig:      "line 4: a checkpoint without a signature",
		strings.ReplaceAll(string(a), "\n", "\r\n"): "line 1: a carriage return",
	}
	for text, want := range bad {
		_, err := witness.Parse([]byte(text))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q): %v; want an error containing %q", text, err, want)
		}
	}
}

// FuzzParse: Parse never panics, and what it accepts survives Format.
func FuzzParse(f *testing.F) {
	s := newSigner(f, "attest-0000aaaa")
	f.Add(witness.Format([][]byte{s.sign(1), s.sign(2)}))
	f.Add([]byte("a\n\n— b\n\n\nc\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		notes, err := witness.Parse(text)
		if err != nil {
			return
		}
		again, err := witness.Parse(witness.Format(notes))
		if err != nil || len(again) != len(notes) {
			t.Fatalf("Format then Parse: %d notes, %v; want %d", len(again), err, len(notes))
		}
		for i := range notes {
			if !bytes.Equal(notes[i], again[i]) {
				t.Fatalf("note %d changed: %q then %q", i, notes[i], again[i])
			}
		}
	})
}
