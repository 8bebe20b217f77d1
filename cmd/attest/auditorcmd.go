package main

import (
	"bytes"
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/fieldwork/remote"
	"github.com/attest-dev/attest/workpapers"
)

// auditorsCommand is the service auditor's own tools: the key pair and
// the check of the organization's copy against the auditor's record.
func (m *Main) auditorsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auditor",
		Short: "The service auditor's signing key and the check of their statements",
		Long: `The service auditor signs every act (seeds and draws, extensions, tests and
results, deviation evaluations, requests) with a key only they hold, so the
organization, which runs Attest and holds its database and server keys,
cannot make results appear as the auditor's. Make the key on the auditor's
own machine, enroll its public half on the engagement, confirm it, and sign
with --auditor-key FILE (or ATTEST_AUDITOR_KEY).`,
	}
	var out, name string
	keygen := &cobra.Command{
		Use:   "keygen --out FILE [--name NAME]",
		Short: "Make the auditor's key pair (FILE, mode 0600, and FILE.pub)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return attest.Errorf(attest.EINVALID, "say where to write the key: --out FILE")
			}
			fp, pub, err := auditsig.WriteKeyFiles(out, name)
			if err != nil {
				return err
			}
			return m.answer(map[string]string{"private_key": out, "public_key": pub, "fingerprint": fp}, "Wrote the private key to %s (only you should read it) and the public key to %s.\nFingerprint: %s\nRecord the fingerprint in your firm's working papers; enroll the public key with\n  attest engagement auditor enroll --engagement ID --public-key %s \"YOUR NAME\"\nthen confirm it with attest engagement auditor confirm --auditor-key %s\n", out, pub, fp, pub, out)
		},
	}
	keygen.Flags().StringVar(&out, "out", "", "the private key file to write (never overwritten)")
	keygen.Flags().StringVar(&name, "name", "", "a comment for the public key (your name)")
	cmd.AddCommand(keygen, m.auditorVerify())
	return cmd
}

// enrollCommands are attest engagement auditor enroll, confirm,
// fingerprint and retire.
func (m *Main) enrollCommands() []*cobra.Command {
	return []*cobra.Command{m.keyEnroll(), m.keyConfirm(), m.keyFingerprint(), m.keyRetire()}
}

// keyEnroll is `attest engagement auditor enroll`.
func (m *Main) keyEnroll() *cobra.Command {
	var pubFile, holder string
	var invite bool
	enroll := &cobra.Command{
		Use:   "enroll [NAME] (--public-key FILE | --invite)",
		Short: "Enroll an auditor's public key on the engagement (the auditor then confirms it)",
		Long: `Enroll the public half of an auditor's key for the named auditor. The auditor
may enroll their own key; management may record a key the auditor sent, but
no key counts until the auditor confirms it with a statement signed by it
(attest engagement auditor confirm). With --invite, the command prints the
page where the auditor, signed in, makes a key in their browser and enrolls
and confirms it there. NAME is the named auditor the key is for; without
it, the auditor's own name when the auditor enrolls, else the name in the
public key file's comment when it names one, else the engagement's only
auditor.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if invite {
				return readsIn(m, m.enrollInvite, func(v map[string]string) error {
					m.printf("Send %s this page of your Attest server: %s\nSigned in with their auditor account, they make a key in the browser, enroll it and confirm its fingerprint against their firm's record.\n", v["auditor"], v["invite"])
					return nil
				})(cmd, args)
			}
			return writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) (*attest.AuditorKey, error) {
				if pubFile == "" {
					return nil, attest.Errorf(attest.EINVALID, "give the auditor's public key (--public-key FILE, as attest auditor keygen writes) or --invite")
				}
				b, err := os.ReadFile(pubFile)
				if err != nil {
					return nil, attest.Errorf(attest.EINVALID, "public key: %v", err)
				}
				env, actor, err := m.fieldwork(ctx, d, e)
				if err != nil {
					return nil, err
				}
				k, err := fieldwork.Enroll(ctx, env, d.db, m.change(), actor, fieldwork.EnrollRequest{Engagement: e.ID, Name: firstArg(args), PublicKey: string(b), Holder: holder})
				return k, enrollHints(err)
			}, func(k *attest.AuditorKey) error {
				m.printf("Enrolled key %s for %s on %s. It counts once %s confirms it:\n  attest engagement auditor confirm --engagement %s --auditor-key THEIR-KEY-FILE\n", k.Fingerprint, k.Name, k.EngagementID, k.Name, k.EngagementID)
				return nil
			})(cmd, args)
		},
	}
	enroll.Flags().StringVar(&pubFile, "public-key", "", "the auditor's public key file (FILE.pub from attest auditor keygen)")
	enroll.Flags().BoolVar(&invite, "invite", false, "print the page where the auditor enrolls a browser key instead")
	enroll.Flags().StringVar(&holder, "holder", fieldwork.HolderCLI, "where the private key is kept: cli or browser")
	return enroll
}

// enrollInvite is the page where the auditor enrolls a key in their
// browser (enroll --invite).
func (m *Main) enrollInvite(ctx context.Context, d *data, e *attest.Engagement, args []string) (map[string]string, error) {
	as, err := d.db.Auditors(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	a, err := fieldwork.EnrollAuditor(e, as, nil, fieldwork.EnrollRequest{Name: firstArg(args)})
	if err != nil {
		return nil, enrollHints(err)
	}
	return map[string]string{"engagement": e.ID, "auditor": a.Name, "invite": remote.EnrollPage(e.ID)}, nil
}

// keyConfirm is `attest engagement auditor confirm`.
func (m *Main) keyConfirm() *cobra.Command {
	confirm := &cobra.Command{
		Use:   "confirm --auditor-key FILE",
		Short: "Confirm your enrolled key (the auditor, signing with it)",
		Long: `Confirm that the key enrolled for you is yours and that its fingerprint is
the one your firm recorded: the first statement of your chain, signed with
the key itself. Only you can confirm it; until then nothing it signs counts.`,
		Args: cobra.NoArgs,
		RunE: signs(m, func(ctx context.Context, d *data, e *attest.Engagement, c auditorCall, sl fieldwork.Seal) (*attest.AuditorKey, error) {
			return fieldwork.Confirm(ctx, c.env, d.db, c.ch, c.actor, e.ID, sl)
		}, func(k *attest.AuditorKey) error {
			m.printf("Confirmed key %s for %s on %s.\n", k.Fingerprint, k.Name, k.EngagementID)
			return nil
		}),
	}
	return m.remote(confirm, always(func(ctx context.Context, c *remote.Client) (remote.Answer, error) { return c.Confirm(ctx) }))
}

// keyFingerprint is `attest engagement auditor fingerprint`.
func (m *Main) keyFingerprint() *cobra.Command {
	fingerprint := &cobra.Command{
		Use:   "fingerprint [NAME]",
		Short: "Show the auditors' enrolled keys and their fingerprints",
		Args:  cobra.MaximumNArgs(1),
		RunE: readsAbout(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) ([]attest.AuditorKey, error) {
			keys, _, err := fieldwork.Keys(ctx, d.db, nil, auth.Everything, e.ID)
			if err != nil {
				return nil, err
			}
			out := []attest.AuditorKey{}
			for _, k := range keys {
				if len(args) == 0 || k.Name == args[0] {
					out = append(out, k)
				}
			}
			if len(args) == 1 && len(out) == 0 {
				return nil, attest.Errorf(attest.ENOTFOUND, "no key is enrolled for %q on %s", args[0], e.ID)
			}
			return out, nil
		}, func(e *attest.Engagement, out []attest.AuditorKey) error {
			for _, k := range out {
				state := "confirmed " + k.Confirmed
				if k.Confirmed == "" {
					state = "NOT CONFIRMED by its holder: nothing it signs counts"
				}
				if k.Retired != "" {
					state += "; retired " + k.Retired
				}
				m.printf("%s\t%s\t%s key\t%s\n", k.Name, k.Fingerprint, k.Holder, state)
			}
			if len(out) == 0 {
				m.printf("No auditor key is enrolled on %s.\n", e.ID)
			}
			return nil
		}),
	}
	return fingerprint
}

// keyRetire is `attest engagement auditor retire`.
func (m *Main) keyRetire() *cobra.Command {
	var fp string
	retire := &cobra.Command{
		Use:   "retire --fingerprint FP",
		Short: "Retire a key (lost or replaced): it signs nothing new, what it signed stays valid",
		Args:  cobra.NoArgs,
		RunE: writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (*attest.AuditorKey, error) {
			env, actor, err := m.fieldwork(ctx, d, e)
			if err != nil {
				return nil, err
			}
			return fieldwork.Retire(ctx, env, d.db, m.change(), actor, e.ID, fp)
		}, func(k *attest.AuditorKey) error {
			m.printf("Retired key %s on %s.\n", k.Fingerprint, k.EngagementID)
			return nil
		}),
	}
	retire.Flags().StringVar(&fp, "fingerprint", "", "the key's fingerprint")
	return retire
}

// auditorVerify checks the organization's copy of the auditor's
// statements against the auditor's own journal and key, trusting nothing
// of the organization's but what it serves.
func (m *Main) auditorVerify() *cobra.Command {
	var export string
	cmd := &cobra.Command{
		Use:   "verify --auditor-key FILE [--export FILE]",
		Short: "Check the organization's copy of your statements against your own record",
		Long: `On the auditor's machine: read the statements the data directory (or
database) holds for your key and compare them with your journal (FILE.journal,
kept beside your key by every signed act): every statement you signed must be
there, unchanged and in its place in the chain; any other statement under
your key, any key enrolled for you that is not yours, and any result recorded
as yours without your signature are reported. With --export, the check reads
the working-papers export (the ZIP from the fieldwork page) instead, and
needs no access to the organization's server. Exit 1 when something differs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			path := m.auditorKeyFile()
			if path == "" {
				return attest.Errorf(attest.EINVALID, "give your key: --auditor-key FILE")
			}
			sg, err := fieldwork.OpenKeyFile(path)
			if err != nil {
				return err
			}
			js, err := sg.Journal()
			if err != nil {
				return err
			}
			var src fieldwork.JournalStore
			if export != "" {
				b, err := os.ReadFile(export)
				if err != nil {
					return attest.Errorf(attest.EINVALID, "export: %v", err)
				}
				c, err := workpapers.Read(bytes.NewReader(b), int64(len(b)))
				if err != nil {
					return err
				}
				src = c
			} else {
				d, err := m.openToRead(ctx)
				if err != nil {
					return err
				}
				defer d.Close()
				src = d.db
			}
			rep, err := fieldwork.CompareJournal(ctx, src, sg.Public(), js)
			if err != nil {
				return err
			}
			if m.cfg.json {
				if err := m.printJSON(rep); err != nil {
					return err
				}
			} else {
				m.printf("Your key %s: %d statements in your journal, %d found as you signed them.\n", sg.Fingerprint(), rep.Journal, rep.Matched)
				for _, p := range rep.OtherKeys {
					m.printf("  · %s\n", p)
				}
				for _, p := range rep.Problems {
					m.printf("  ✗ %s\n", p)
				}
				if len(rep.Problems) == 0 {
					m.printf("The organization's copy holds every statement you signed, unchanged, and nothing else as yours.\n")
				}
			}
			if len(rep.Problems) > 0 {
				return failure{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&export, "export", "", "check a working-papers export (ZIP) instead of the data directory")
	return cmd
}

// testEvaluate is attest test evaluate: the auditor's signed evaluation
// of a test's deviations.
func (m *Main) testEvaluate() *cobra.Command {
	var in fieldwork.Evaluation
	cmd := &cobra.Command{
		Use:   "evaluate --test N --nature isolated|systematic [--extension DRAW] [--compensating CONTROL] --conclusion TEXT",
		Short: "Evaluate a test's deviations (the service auditor, signed)",
		Args:  cobra.NoArgs,
		RunE: signs(m, func(ctx context.Context, d *data, e *attest.Engagement, c auditorCall, sl fieldwork.Seal) (*attest.Statement, error) {
			in.Engagement, in.Seal = e.ID, sl
			return fieldwork.Evaluate(ctx, c.env, d.db, c.ch, c.actor, in)
		}, func(st *attest.Statement) error {
			m.printf("Recorded the evaluation of test %d's deviations (statement %d, signed).\n", in.Test, st.Seq)
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.Int64Var(&in.Test, "test", 0, "the test with exceptions")
	fl.StringVar(&in.Nature, "nature", "", "isolated or systematic")
	fl.Int64Var(&in.Extension, "extension", 0, "the extension drawn after the deviation (attest sample extend)")
	fl.StringVar(&in.Compensating, "compensating", "", "a compensating control, described and tested")
	fl.StringVar(&in.Conclusion, "conclusion", "", "the auditor's conclusion")
	return m.remote(cmd, always(func(ctx context.Context, c *remote.Client) (remote.Answer, error) { return c.Evaluate(ctx, in) }))
}

// populationTest is attest population test: the auditor's signed record
// of how a population's completeness and accuracy were tested.
func (m *Main) populationTest() *cobra.Command {
	return m.statementCommand(&cobra.Command{
		Use:   "test --population ID --procedure TEXT",
		Short: "Record how a population's completeness and accuracy were tested (the service auditor, signed)",
	}, statementAbout{
		record: "population", recordHelp: "the population",
		text: "procedure", textHelp: "how its completeness and accuracy were tested",
		onServer: (*remote.Client).TestPopulation,
		said:     "Recorded how population %d was tested (statement %d, signed).\n",
		act:      fieldwork.TestPopulation,
	})
}

// testReview is attest test review: a reviewer's signed sign-off on a test.
func (m *Main) testReview() *cobra.Command {
	return m.statementCommand(&cobra.Command{
		Use:   "review --test N [--note TEXT]",
		Short: "Sign off a test as its reviewer (another member of the audit team, signed)",
	}, statementAbout{
		record: "test", recordHelp: "the test reviewed",
		text: "note", textHelp: "the reviewer's note",
		onServer: (*remote.Client).Review,
		said:     "Signed off test %d as its reviewer (statement %d).\n",
		act:      fieldwork.Review,
	})
}

// statementAbout is an auditor's signed statement about one record (a
// population's test, a test's review) that says one thing of it.
type statementAbout struct {
	// record is the flag naming the record by its number; text is the
	// flag of what is said.
	record, recordHelp, text, textHelp string
	// onServer is the act on --server (a method of the client).
	onServer func(c *remote.Client, ctx context.Context, id int64, text string) (remote.Answer, error)
	// said is what the command answers: %d the record's number, then
	// the statement's.
	said string
	// act is the workflow that records the statement.
	act func(ctx context.Context, env fieldwork.Env, s fieldwork.EvaluateStore, ch attest.Change, actor *attest.User, engagementID string, id int64, text string, sl fieldwork.Seal) (*attest.Statement, error)
}

// statementCommand makes cmd the statement's signed act: its flags, its
// RunE (signs), and its form on --server.
func (m *Main) statementCommand(cmd *cobra.Command, s statementAbout) *cobra.Command {
	var id int64
	var text string
	cmd.Args = cobra.NoArgs
	cmd.RunE = signs(m, func(ctx context.Context, d *data, e *attest.Engagement, c auditorCall, sl fieldwork.Seal) (*attest.Statement, error) {
		return s.act(ctx, c.env, d.db, c.ch, c.actor, e.ID, id, text, sl)
	}, func(st *attest.Statement) error {
		m.printf(s.said, id, st.Seq)
		return nil
	})
	cmd.Flags().Int64Var(&id, s.record, 0, s.recordHelp)
	cmd.Flags().StringVar(&text, s.text, "", s.textHelp)
	return m.remote(cmd, always(func(ctx context.Context, c *remote.Client) (remote.Answer, error) {
		return s.onServer(c, ctx, id, text)
	}))
}

// enrollHints adds to the refusals of a key enrolled without a name the
// commands that settle them.
func enrollHints(err error) error {
	err = hinted(err, attest.EINVALID, "has no named auditor yet", "attest engagement auditor add NAME --user ADDRESS")
	return hinted(err, attest.EINVALID, "say which auditor the key is for", "attest engagement auditor enroll NAME")
}

// firstArg is args[0], or "" when there is none.
func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
