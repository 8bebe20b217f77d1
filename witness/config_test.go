package witness_test

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/witness"
	"github.com/google/go-cmp/cmp"
)

func TestConfig(t *testing.T) {
	s, other := newSigner(t, "attest-0000aaaa"), newSigner(t, "attest-0000bbbb")
	c := &witness.Config{}
	for _, loc := range []string{"file:/mnt/w/a.witness", "https://w.example/x?token=a b", "file:/mnt/w/a.witness"} {
		if _, err := c.Add("/srv/attest-data/", s.pub, loc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Add("/srv/other", other.pub, "s3://bucket/witness"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Add("/srv/attest-data", other.pub, "file:/mnt/w/b"); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("a witness for another key of the same data directory: %v", err)
	}
	if _, err := c.Add("/srv/attest-data", s.pub, "file:w"); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("a relative file witness: %v", err)
	}
	want := &witness.Config{Ledgers: []witness.Ledger{
		{Data: "/srv/attest-data", Key: s.pub, Witnesses: []string{"file:/mnt/w/a.witness", "https://w.example/x?token=a b"}},
		{Data: "/srv/other", Key: other.pub, Witnesses: []string{"s3://bucket/witness"}},
	}}
	if d := cmp.Diff(want, c); d != "" {
		t.Errorf("after Add (-want +got):\n%s", d)
	}
	back, err := witness.ParseConfig("witnesses.yaml", c.Marshal())
	if err != nil {
		t.Fatalf("%v\n%s", err, c.Marshal())
	}
	if d := cmp.Diff(c, back); d != "" {
		t.Errorf("Marshal then ParseConfig (-want +got):\n%s", d)
	}
	if err := c.Remove("/srv/other", "s3://bucket/witness"); err != nil || len(c.Ledgers) != 1 {
		t.Errorf("removing the last witness leaves %d entries: %v", len(c.Ledgers), err)
	}
	if err := c.Remove("/srv/attest-data", "file:/mnt/w/zzz"); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("removing a witness that is not there: %v", err)
	}
}

func TestParseConfigErrors(t *testing.T) {
	key := newSigner(t, "attest-0000aaaa").pub
	for text, want := range map[string]string{
		"ledgers:\n  - data: /a\n    key: " + key + "\n    witnesses: [file:x]\n": "witnesses.yaml: line 4: witnesses: witness file:x: the path must be absolute",
		"ledgers:\n  - data: a\n    key: " + key + "\n":                           "line 2: data: want the data directory's absolute path",
		"ledgers:\n  - data: /a\n    key: nope\n":                                 "line 3: key: want the ledger's public key",
		"ledgers:\n  - data: /a\n    kye: " + key + "\n":                          "line 3: kye: unknown field",
		"ledger: []\n":             "line 1: unknown key \"ledger\"",
		"ledgers:\n  - data: /a\n": "line 2: ledgers: each entry needs data and key",
		"ledgers:\n  - {data: /a, key: " + key + "}\n  - {data: /a/, key: " + key + "}\n": "line 3: data: /a is listed twice",
		"ledgers: {}\n": "line 1: ledgers: want a list",
		"ledgers: [\n":  "not valid YAML",
		"ledgers:\n  - data: /a\n    key: " + key + "\n    witnesses: [{a: b}]\n": "line 4: witnesses: want a location, got a mapping",
	} {
		_, err := witness.ParseConfig("witnesses.yaml", []byte(text))
		if err == nil || !strings.Contains(err.Error(), want) || attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("ParseConfig(%q): %v; want %q", text, err, want)
		}
	}
	for _, empty := range []string{"", "# nothing yet\n", "ledgers:\n"} {
		if c, err := witness.ParseConfig("w", []byte(empty)); err != nil || len(c.Ledgers) != 0 {
			t.Errorf("ParseConfig(%q) = %v, %v", empty, c, err)
		}
	}
}

// FuzzParseConfig: never a panic, and what parses survives Marshal.
func FuzzParseConfig(f *testing.F) {
	key := newSigner(f, "attest-0000aaaa").pub
	f.Add("ledgers:\n  - data: /a\n    key: " + key + "\n    witnesses: [file:/x, 's3://b/p']\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := witness.ParseConfig("f", []byte(text))
		if err != nil {
			return
		}
		back, err := witness.ParseConfig("f", c.Marshal())
		if err != nil {
			t.Fatalf("Marshal wrote what ParseConfig refuses: %v\n%s", err, c.Marshal())
		}
		if d := cmp.Diff(c, back); d != "" && len(c.Ledgers) > 0 {
			t.Fatalf("Marshal then ParseConfig:\n%s", d)
		}
	})
}
