package witness

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
	"golang.org/x/mod/sumdb/note"
	"gopkg.in/yaml.v3"
)

// Config is the list of witnesses, kept outside every data directory so
// that restoring an older data directory cannot roll it back. One file may
// serve several data directories: each has its own entry, found by its
// absolute path, with the public key its ledger had when its first witness
// was added.
type Config struct {
	Ledgers []Ledger
}

// Ledger is one data directory's witnesses.
type Ledger struct {
	// Data is the data directory's absolute path.
	Data string
	// Key is the ledger's public key when the witnesses were added: a data
	// directory replaced by another ledger shows as a changed key.
	Key string
	// Witnesses are the locations, as Kind accepts them.
	Witnesses []string
}

// maxConfig bounds a witness list; real ones are a few hundred bytes.
const maxConfig = 1 << 20

// ParseConfig reads a witness list; name is the file's name for messages,
// which give the line and the field of any mistake.
func ParseConfig(name string, b []byte) (*Config, error) {
	fail := func(line int, format string, args ...any) (*Config, error) {
		return nil, attest.Errorf(attest.EINVALID, "%s: line %d: %s", name, line, fmt.Sprintf(format, args...))
	}
	if len(b) > maxConfig {
		return nil, attest.Errorf(attest.EINVALID, "%s: %d bytes is too large for a witness list", name, len(b))
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return &Config{}, nil
		}
		return nil, attest.Errorf(attest.EINVALID, "%s: not valid YAML: %v", name, err)
	}
	if len(doc.Content) == 0 {
		return &Config{}, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fail(root.Line, "want a mapping with the key ledgers")
	}
	c := &Config{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "ledgers" {
			return fail(k.Line, "unknown key %q (the only key is ledgers)", k.Value)
		}
		if v.Tag == "!!null" {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			return fail(v.Line, "ledgers: want a list")
		}
		for _, e := range v.Content {
			l, err := parseLedger(name, e)
			if err != nil {
				return nil, err
			}
			if c.Ledger(l.Data) != nil {
				return fail(e.Line, "data: %s is listed twice", l.Data)
			}
			c.Ledgers = append(c.Ledgers, *l)
		}
	}
	return c, nil
}

func parseLedger(name string, n *yaml.Node) (*Ledger, error) {
	fail := func(line int, field, format string, args ...any) (*Ledger, error) {
		return nil, attest.Errorf(attest.EINVALID, "%s: line %d: %s: %s", name, line, field, fmt.Sprintf(format, args...))
	}
	if n.Kind != yaml.MappingNode {
		return fail(n.Line, "ledgers", "want a mapping with data, key and witnesses")
	}
	l := &Ledger{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		scalar := v.Kind == yaml.ScalarNode && v.Tag == "!!str"
		switch k.Value {
		case "data":
			if !scalar || !filepath.IsAbs(v.Value) {
				return fail(v.Line, k.Value, "want the data directory's absolute path")
			}
			l.Data = filepath.Clean(v.Value)
		case "key":
			if _, err := note.NewVerifier(v.Value); !scalar || err != nil {
				return fail(v.Line, k.Value, "want the ledger's public key (attest ledger key)")
			}
			l.Key = v.Value
		case "witnesses":
			if v.Tag == "!!null" {
				continue
			}
			if v.Kind != yaml.SequenceNode {
				return fail(v.Line, k.Value, "want a list of locations")
			}
			for _, w := range v.Content {
				if w.Kind != yaml.ScalarNode {
					return fail(w.Line, k.Value, "want a location, got a %s", map[yaml.Kind]string{yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}[w.Kind])
				}
				if _, err := Kind(w.Value); err != nil {
					return fail(w.Line, k.Value, "%s", attest.ErrorMessage(err))
				}
				if slices.Contains(l.Witnesses, w.Value) {
					return fail(w.Line, k.Value, "%s is listed twice", w.Value)
				}
				l.Witnesses = append(l.Witnesses, w.Value)
			}
		default:
			return fail(k.Line, k.Value, "unknown field (the fields are data, key and witnesses)")
		}
	}
	if l.Data == "" || l.Key == "" {
		return fail(n.Line, "ledgers", "each entry needs data and key")
	}
	return l, nil
}

// Ledger returns the entry of the data directory at the absolute path
// dataDir, nil when it has none.
func (c *Config) Ledger(dataDir string) *Ledger {
	for i := range c.Ledgers {
		if c.Ledgers[i].Data == filepath.Clean(dataDir) {
			return &c.Ledgers[i]
		}
	}
	return nil
}

// Add adds a witness of the ledger in dataDir whose public key is key. It
// returns false when the witness was there already, and refuses a key
// other than the one the data directory's witnesses were added for.
func (c *Config) Add(dataDir, key, location string) (bool, error) {
	if _, err := Kind(location); err != nil {
		return false, err
	}
	l := c.Ledger(dataDir)
	if l == nil {
		c.Ledgers = append(c.Ledgers, Ledger{Data: filepath.Clean(dataDir), Key: key})
		l = &c.Ledgers[len(c.Ledgers)-1]
	}
	if l.Key != key {
		return false, &attest.Error{Code: attest.ECONFLICT,
			Message: fmt.Sprintf("the witnesses of %s were added for the ledger key %s, and this data directory's key is %s", l.Data, l.Key, key),
			Hint:    "if the data directory was replaced on purpose, remove its witnesses first (attest ledger witness remove)"}
	}
	if slices.Contains(l.Witnesses, location) {
		return false, nil
	}
	l.Witnesses = append(l.Witnesses, location)
	return true, nil
}

// Remove removes a witness of the data directory; the entry goes with its
// last witness.
func (c *Config) Remove(dataDir, location string) error {
	l := c.Ledger(dataDir)
	if l == nil || !slices.Contains(l.Witnesses, location) {
		return &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("%s has no witness %s", filepath.Clean(dataDir), location),
			Hint: "see attest ledger witness list"}
	}
	l.Witnesses = slices.DeleteFunc(l.Witnesses, func(w string) bool { return w == location })
	if len(l.Witnesses) == 0 {
		c.Ledgers = slices.DeleteFunc(c.Ledgers, func(x Ledger) bool { return x.Data == l.Data })
	}
	return nil
}

// Marshal writes the list in the layout ParseConfig reads.
func (c *Config) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString("# Witnesses of Attest ledgers, kept by `attest ledger witness add`.\n")
	b.WriteString("# Keep this file outside the data directories it names.\n")
	b.WriteString("ledgers:\n")
	for _, l := range c.Ledgers {
		fmt.Fprintf(&b, "  - data: %s\n    key: %s\n    witnesses:", quote(l.Data), quote(l.Key))
		if len(l.Witnesses) == 0 {
			b.WriteString(" []")
		}
		b.WriteString("\n")
		for _, w := range l.Witnesses {
			fmt.Fprintf(&b, "      - %s\n", quote(w))
		}
	}
	return b.Bytes()
}

// quote writes s as a YAML double-quoted scalar (JSON's escapes are YAML's).
func quote(s string) string {
	out, _ := yaml.Marshal(s)
	v := strings.TrimSuffix(string(out), "\n")
	if strings.ContainsAny(v, "\n") || v == "" {
		return fmt.Sprintf("%q", s)
	}
	return v
}
