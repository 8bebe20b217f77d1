package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/datadir"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/attest-dev/attest/witness"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// keyFlags registers the flags for what is kept outside the data
// directory: the witness list and the signing key.
func (m *Main) keyFlags(pf *pflag.FlagSet) {
	pf.StringVar(&m.cfg.witnesses, "witnesses", "", "the witness list, kept outside the data directory (env ATTEST_WITNESSES; default $XDG_CONFIG_HOME/attest/witnesses.yaml, else ~/.config/attest/witnesses.yaml)")
	pf.StringVar(&m.cfg.ledgerKey, "ledger-key", "", "the ledger's signing key, kept in this file outside the data directory (env ATTEST_LEDGER_KEY)")
}

// keyEnv reads ATTEST_WITNESSES and ATTEST_LEDGER_KEY for flags not given.
func (m *Main) keyEnv(cmd *cobra.Command) {
	if !cmd.Flags().Changed("witnesses") {
		m.cfg.witnesses = m.Getenv("ATTEST_WITNESSES")
	}
	if !cmd.Flags().Changed("ledger-key") {
		m.cfg.ledgerKey = m.Getenv("ATTEST_LEDGER_KEY")
	}
}

// witnessListPath is the witness list's file and whether the user named
// it; "" when there is neither a name nor a home to put it in.
func (m *Main) witnessListPath() (path string, named bool) {
	if m.cfg.witnesses != "" {
		return m.cfg.witnesses, true
	}
	if dir := m.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "attest", "witnesses.yaml"), false
	}
	if home := m.Getenv("HOME"); filepath.IsAbs(home) {
		return filepath.Join(home, ".config", "attest", "witnesses.yaml"), false
	}
	return "", false
}

// loadWitnessList reads the witness list; a list that does not exist is
// empty, unless need says it must (verify with a list the user named).
func (m *Main) loadWitnessList(need bool) (*witness.Config, string, error) {
	path, named := m.witnessListPath()
	if path == "" {
		return &witness.Config{}, "", nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !(need && named) {
		return &witness.Config{}, path, nil
	}
	if err != nil {
		return nil, path, attest.Errorf(attest.EINVALID, "the witness list %s: %v", path, fileerr.Reason(err))
	}
	c, err := witness.ParseConfig(path, b)
	return c, path, err
}

// dataPath is the data directory's absolute path, symbolic links resolved,
// which names its entry in the witness list.
func (m *Main) dataPath() string {
	abs, err := filepath.Abs(m.cfg.dataDir)
	if err != nil {
		return filepath.Clean(m.cfg.dataDir)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

func (m *Main) witnessOptions() witness.Options {
	return witness.Options{
		HTTP:        &http.Client{Timeout: 10 * time.Second},
		S3PathStyle: m.s3PathStyle(),
	}
}

// witnessesOf opens the data directory's witnesses, those already open
// taken from d's pool (a server signs checkpoints all day); the list
// itself is read at each use, so a witness added while the server runs
// gets the next checkpoint.
func (d *data) witnessesOf(ctx context.Context, need bool) (*witness.Set, error) {
	list, _, err := d.m.loadWitnessList(need)
	if err != nil {
		return nil, err
	}
	return d.witnesses.Open(ctx, list, d.m.dataPath(), d.m.witnessOptions())
}

// sendToWitnesses gives a new checkpoint to every witness at once. A
// witness that fails is a warning: the write it follows stands.
func (d *data) sendToWitnesses(ctx context.Context, signed []byte) {
	ctx = context.WithoutCancel(ctx) // a closed request still leaves its witness copy
	set, err := d.witnessesOf(ctx, false)
	if err != nil {
		d.m.warn("the checkpoint was not sent to the witnesses: " + attest.ErrorMessage(err))
		return
	}
	for _, f := range set.SendAll(ctx, signed) {
		d.m.warn(fmt.Sprintf("witness %s did not take the checkpoint: %s", f.Witness, attest.ErrorMessage(f.Err)))
	}
}

func (m *Main) ledgerWitness() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "witness",
		Short: "Places outside the data directory that keep every signed checkpoint",
		Long: `A witness keeps a copy of every checkpoint the ledger signs, somewhere the
data directory cannot reach: a file on another volume (file:/path), a
webhook (https://...) or an S3 bucket (s3://bucket/prefix). An older copy of
the data directory put in place of the current one holds an older ledger,
its own older checkpoints and its key, and checks out by itself; ` + "`attest verify`" + `
compares it with every witness and reports it as rolled back, or as forked
when the histories disagree.

The list of witnesses is kept outside the data directory too, so a
restored directory cannot roll it back: --witnesses FILE, ATTEST_WITNESSES,
or by default $XDG_CONFIG_HOME/attest/witnesses.yaml
(~/.config/attest/witnesses.yaml). One list serves several data
directories, each under its absolute path.`,
	}
	cmd.AddCommand(m.witnessAdd(), m.witnessList(), m.witnessRemove())
	return cmd
}

func (m *Main) witnessAdd() *cobra.Command {
	return &cobra.Command{
		Use:   "add file:/PATH | https://URL | s3://BUCKET/PREFIX",
		Short: "Add a witness: it gets the current checkpoint now and every later one",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			loc := args[0]
			kind, err := witness.Kind(loc)
			if err != nil {
				return err
			}
			list, path, err := m.loadWitnessList(false)
			if err != nil {
				return err
			}
			dataDir := m.dataPath()
			if err := witness.Outside(path, loc, dataDir); err != nil {
				return err
			}
			// The witness gets the current checkpoint, signed here.
			return reads(m, func(ctx context.Context, d *data, _ []string) (witnessAdded, error) {
				pub, err := d.publicKey()
				if err != nil {
					return witnessAdded{}, err
				}
				added, w, err := witness.Enlist(ctx, list, path, dataDir, pub, loc, d.checkpoint, m.witnessOptions())
				if err != nil {
					return witnessAdded{}, err
				}
				return witnessAdded{added, dataDir, kind, path, w.Name()}, nil
			}, func(v witnessAdded) error {
				if !v.Added {
					m.printf("%s is already a witness of %s; it now holds the current checkpoint too.\n", v.Witness, v.Data)
					return nil
				}
				m.printf("Added the witness %s for %s; it holds the current checkpoint and gets every later one.\nThe list of witnesses is %s: keep it outside the data directory, as it is.\n", v.Witness, v.Data, v.List)
				return nil
			})(cmd, args)
		},
	}
}

// witnessAdded is what ledger witness add answers (JSON keys in
// alphabetical order, as they have always been printed).
type witnessAdded struct {
	Added   bool   `json:"added"`
	Data    string `json:"data"`
	Kind    string `json:"kind"`
	List    string `json:"list"`
	Witness string `json:"witness"`
}

func (m *Main) witnessList() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the data directory's witnesses",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			list, path, err := m.loadWitnessList(false)
			if err != nil {
				return err
			}
			v := witnessesListed{Data: m.dataPath(), List: path, Witnesses: []witnessRow{}}
			if e := list.Ledger(v.Data); e != nil {
				v.Key = e.Key
				for _, loc := range e.Witnesses {
					kind, _ := witness.Kind(loc)
					v.Witnesses = append(v.Witnesses, witnessRow{loc, kind})
				}
			}
			return show(m, v, func(v witnessesListed) error {
				if len(v.Witnesses) == 0 {
					m.printf("%s has no witnesses (list: %s).\nAdd one with: attest ledger witness add file:/another/volume/attest.witness\n", v.Data, dashStr(v.List))
					return nil
				}
				m.printf("Witnesses of %s (list: %s):\n", v.Data, v.List)
				for _, r := range v.Witnesses {
					m.printf("  %-8s %s\n", r.Kind, r.Location)
				}
				return nil
			})
		},
	}
}

// witnessesListed is what ledger witness list prints (JSON keys in
// alphabetical order, as they have always been printed).
type witnessesListed struct {
	Data      string       `json:"data"`
	Key       string       `json:"key"`
	List      string       `json:"list"`
	Witnesses []witnessRow `json:"witnesses"`
}

// witnessRow is one witness of the data directory.
type witnessRow struct {
	Location string `json:"location"`
	Kind     string `json:"kind"`
}

func (m *Main) witnessRemove() *cobra.Command {
	return &cobra.Command{
		Use:   "remove LOCATION",
		Short: "Stop sending checkpoints to a witness (it keeps what it holds)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			list, path, err := m.loadWitnessList(false)
			if err != nil {
				return err
			}
			dataDir := m.dataPath()
			if err := list.Remove(dataDir, args[0]); err != nil {
				return err
			}
			if err := atomicfile.Write(path, list.Marshal()); err != nil {
				return err
			}
			return m.answer(map[string]any{"removed": args[0], "data": dataDir, "list": path}, "Removed the witness %s of %s. It keeps the checkpoints it received.\n", args[0], dataDir)
		},
	}
}

// verifyWitnesses are what verify compares the ledger with: the data
// directory's witnesses, then each --checkpoint file (an auditor's saved
// checkpoints are a witness that only verify reads). It returns the key
// the witnesses were added for.
func (m *Main) verifyWitnesses(ctx context.Context, d *data, files []string) ([]integrity.Witness, string, error) {
	set, err := d.witnessesOf(ctx, true)
	if err != nil {
		return nil, "", err
	}
	var out []integrity.Witness
	for _, w := range set.Witnesses {
		out = append(out, w)
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			return nil, "", attest.Errorf(attest.EINVALID, "--checkpoint: %v", fileerr.Reason(err))
		}
		out = append(out, witness.NewFile(f))
	}
	if m.cfg.ledgerKey != "" {
		if _, err := os.Stat(d.path(datadir.PrivateKeyFile)); err == nil {
			m.warn("the data directory still holds a copy of the signing key (" + datadir.PrivateKeyFile + "): with --ledger-key, remove it so that the key lives only outside")
		}
	}
	return out, set.Key, nil
}

// reportWitnesses prints what each witness said, and warns of those that
// said nothing (verify --json has it all under "witnesses").
func (m *Main) reportWitnesses(rep *integrity.Report) {
	for _, w := range rep.Witnesses {
		switch w.Status {
		case integrity.WitnessUnreachable, integrity.WitnessEmpty, integrity.WitnessReceiveOnly:
			m.warn(fmt.Sprintf("witness %s was not compared (%s): %s", w.Name, strings.ReplaceAll(w.Status, "_", " "), w.Detail))
		}
	}
	if len(rep.Witnesses) == 0 {
		return
	}
	m.printf("Witnesses:\n")
	for _, w := range rep.Witnesses {
		switch w.Status {
		case integrity.WitnessUnreachable, integrity.WitnessEmpty, integrity.WitnessReceiveOnly:
			m.printf("  %s: not compared\n", w.Name)
		default:
			m.printf("  %s: %s (%d checkpoints, the largest of %s; the ledger has %d)\n", w.Name, strings.ReplaceAll(w.Status, "_", " "), w.Checkpoints, attest.Count(w.Size, "entry", "entries"), rep.Entries)
		}
	}
}
