package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
	"github.com/attest-dev/attest/engagement"
	"github.com/spf13/cobra"
)

// Exit codes: 0 success, 1 a failed check or verification (or an internal
// error), 2 bad usage or input.
const (
	exitOK      = 0
	exitFailed  = 1
	exitInvalid = 2
)

// Main is the whole program with its outside world made explicit, so tests
// run it like a user does: arguments in, output and exit code out.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	// Interactive is true when a person is at a terminal: prompts and
	// progress are shown only then.
	Interactive bool
	// Invoked is how the person started the program (./attest, attest,
	// bin/attest), for the commands printed as hints: "attest" when empty.
	Invoked string

	cfg config
	// remotes are the auditor's acts that also run against --server, each
	// with the API path and body it sends (remote.go).
	remotes map[*cobra.Command]remoteBuild
}

// config is parsed from flags, then ATTEST_* environment variables.
type config struct {
	dataDir    string
	json       bool
	engagement string
	as         string
	db         string
	blobs      string
	witnesses  string // the witness list; see witnesscmd.go
	ledgerKey  string // the signing key outside the data directory (datadir.Config.LedgerKey)
	auditorKey string // the service auditor's private key file; see auditorkey.go
	server     string // an attest server for the auditor's acts; see remote.go
	token      string
}

// failure is an error that carries its own exit code and has already been
// reported (e.g. a check that found problems).
type failure struct{ code int }

func (f failure) Error() string { return fmt.Sprintf("exit %d", f.code) }

// Run executes one command and returns its exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Getenv == nil {
		m.Getenv = func(string) string { return "" }
	}
	if m.Now == nil {
		m.Now = time.Now
	}
	if m.Stdin == nil {
		m.Stdin = strings.NewReader("")
	}
	root := m.rootCommand()
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var f failure
	if errors.As(err, &f) {
		return f.code
	}
	var ae *attest.Error
	code := exitInvalid
	if !errors.As(err, &ae) {
		if isUsageError(err) {
			ae = &attest.Error{Code: attest.EINVALID, Message: err.Error(), Hint: "see `" + commandPath(root, args) + " --help`"}
		} else {
			ae = &attest.Error{Code: attest.EINTERNAL, Message: err.Error()}
			code = exitFailed
		}
	} else if ae.Code == attest.EINTERNAL {
		code = exitFailed
	}
	ae = withHint(ae)
	fmt.Fprintln(m.Stderr, "attest: "+ae.Error())
	if m.cfg.json {
		m.printJSON(map[string]any{"error": map[string]string{"code": ae.Code, "message": ae.Message, "hint": ae.Hint}})
	}
	return code
}

// isUsageError recognizes cobra's and pflag's errors about the command line.
func isUsageError(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "required flag", "if any flags in the group"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// commandPath is the command line's longest run of words that names a
// command ("attest evidence add"), for the hint after a usage error: an
// unknown word is not offered for help.
func commandPath(root *cobra.Command, args []string) string {
	c := root
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		sub, _, err := c.Find([]string{a})
		if err != nil || sub == c {
			break
		}
		c = sub
	}
	return c.CommandPath()
}

// plainBoolFlags registers, once for the process (cobra's template
// functions are global), the template function that writes boolean flags
// plainly.
var plainBoolFlags = sync.OnceFunc(func() {
	cobra.AddTemplateFunc("plainBoolFlags", func(s string) string {
		return strings.ReplaceAll(s, "[=true|false]", strings.Repeat(" ", len("[=true|false]")))
	})
})

func (m *Main) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "attest",
		Short: "Prepare SOC 1, SOC 2 and SOC 3 examinations",
		Long: `Attest takes a service organization from "which report do we need?" to a
finished examination: scope, controls, evidence, the auditor's work, report
drafts and sharing the issued report. The CPA firm examines and issues the
report; Attest prepares and organizes.`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("data") {
				if v := m.Getenv("ATTEST_DATA"); v != "" {
					m.cfg.dataDir = v
				}
			}
			if !cmd.Flags().Changed("db") {
				m.cfg.db = m.Getenv("ATTEST_DB")
			}
			if !cmd.Flags().Changed("blobs") {
				m.cfg.blobs = m.Getenv("ATTEST_BLOBS")
			}
			m.keyEnv(cmd)
			if !cmd.Flags().Changed("engagement") {
				if v := m.Getenv("ATTEST_ENGAGEMENT"); v != "" {
					m.cfg.engagement = v
				}
			}
			return nil
		},
	}
	// pflag writes a boolean flag as --json[=true|false]; people read
	// --json. Blanks of the same width keep the columns aligned.
	plainBoolFlags()
	root.SetUsageTemplate(strings.ReplaceAll(root.UsageTemplate(), ".FlagUsages | trimTrailingWhitespaces", ".FlagUsages | plainBoolFlags | trimTrailingWhitespaces"))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &attest.Error{Code: attest.EINVALID, Message: err.Error(), Hint: "see `" + c.CommandPath() + " --help`"}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&m.cfg.dataDir, "data", "attest-data", "data directory (env ATTEST_DATA)")
	pf.BoolVar(&m.cfg.json, "json", false, "print JSON for machines")
	pf.StringVar(&m.cfg.blobs, "blobs", "", "keep evidence bytes in an S3-compatible bucket, s3://bucket/prefix (env ATTEST_BLOBS; endpoint, region and credentials from the AWS_* environment)")
	pf.StringVar(&m.cfg.db, "db", "", "a PostgreSQL database (postgres://...) instead of the data directory's SQLite file (env ATTEST_DB)")
	pf.StringVar(&m.cfg.engagement, "engagement", "", "engagement ID (env ATTEST_ENGAGEMENT; default: the current one)")
	m.keyFlags(pf)
	pf.StringVar(&m.cfg.as, "as", "", "who is acting, recorded in the ledger (env ATTEST_AS; default: the operating-system user)")
	pf.StringVar(&m.cfg.auditorKey, "auditor-key", "", "the service auditor's private key: signs the auditor's acts (env ATTEST_AUDITOR_KEY)")
	pf.StringVar(&m.cfg.server, "server", "", "make the auditor's acts on this attest server instead of a data directory (env ATTEST_SERVER; with --token)")
	pf.StringVar(&m.cfg.token, "token", "", "your API token on --server (env ATTEST_TOKEN)")
	root.AddCommand(
		m.initCommand(),
		m.catalogCommand(),
		m.scopeCommand(),
		m.engagementCommand(),
		m.controlsCommand(),
		m.evidenceCommand(),
		m.periodCommand(),
		m.readinessCommand(),
		m.deviationsCommand(),
		m.reviewCommand(),
		m.peopleCommand(),
		m.policyCommand(),
		m.ackCommand(),
		m.trainingCommand(),
		m.collectCommand(),
		m.checkCommand(),
		m.descriptionCommand(),
		m.reportCommand(),
		m.trustCommand(),
		m.userCommand(),
		m.auditorsCommand(),
		m.tokenCommand(),
		m.serveCommand(),
		m.jobCommand(),
		m.populationCommand(),
		m.sampleCommand(),
		m.testCommand(),
		m.requestCommand(),
		m.ledgerCommand(),
		m.verifyCommand(),
		m.gcCommand(),
		m.storeCommand(),
		m.backupCommand(),
		m.restoreCommand(),
		m.demoCommand(),
		m.versionCommand(),
	)
	m.withRemote(root)
	refuseUnknown(root)
	return root
}

// refuseUnknown makes each group of commands below the root (attest
// evidence, attest sample, ...) refuse a word that names none of its
// commands, as the root does: cobra shows such a group's help and exits
// 0, so a mistyped command in a script would seem to succeed. Alone, a
// group still shows its help.
func refuseUnknown(root *cobra.Command) {
	for _, c := range root.Commands() {
		refuseUnknown(c)
		if !c.HasSubCommands() || c.Runnable() {
			continue
		}
		c.Args, c.DisableFlagsInUseLine = cobra.ArbitraryArgs, true
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += "; did you mean " + strings.Join(s, " or ") + "?"
			}
			return errors.New(msg)
		}
	}
}

func (m *Main) printJSON(v any) error {
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func jsonIndent(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	return append(b, '\n'), err
}

func (m *Main) printf(format string, args ...any) {
	fmt.Fprintf(m.Stdout, format, args...)
}

// progress tells a person at a terminal what long work is doing; it stays
// silent for scripts and JSON.
func (m *Main) progress(format string, args ...any) {
	if m.Interactive && !m.cfg.json {
		fmt.Fprintf(m.Stderr, format+"\n", args...)
	}
}

// warn prints a warning on stderr (also under --json, where warnings are in
// the JSON as well).
func (m *Main) warn(msg string) {
	fmt.Fprintln(m.Stderr, "warning: "+msg)
}

func (m *Main) catalog() *catalog.Catalog {
	return catalog.MustLoad()
}

// engagement resolves the engagement a command acts on: --engagement, else
// the current one, else the only one.
func (m *Main) engagement(ctx context.Context, s attest.Store) (*attest.Engagement, error) {
	e, err := engagement.Current(ctx, s, m.cfg.engagement)
	var ae *attest.Error
	if errors.As(err, &ae) && ae.Hint == "" && m.cfg.engagement == "" {
		switch {
		case ae.Message == "no engagement yet":
			ae.Hint = "run `attest scope`, then `attest engagement create`"
		case strings.HasPrefix(ae.Message, "several engagements"):
			ae.Hint = "pass --engagement ID or run `attest engagement use ID`"
		}
	}
	return e, err
}

func (m *Main) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if m.cfg.json {
				return m.printJSON(map[string]string{"version": version})
			}
			m.printf("attest %s\n", version)
			return nil
		},
	}
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"
