package main

import (
	"cmp"
	"context"
	"os"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/fieldwork/remote"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/spf13/cobra"
)

func (m *Main) testCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Tests of controls: the service auditor's, and management's own internal tests, kept apart",
		Long: `Record tests of controls. By default a test is the service auditor's: only a
named auditor may record it, and only its results can appear in the report's
section 4 for a Type 2. With --internal it is management's own readiness
testing, never shown as the auditor's. Results are ledger entries and are
never edited: a new test supersedes in the list, both stay visible.
Management's responses to exceptions attach with ` + "`attest test respond`" + `.`,
	}
	cmd.AddCommand(m.testRecord(), m.testRespond(), m.testList(), m.testShow(), m.testEvaluate(), m.testReview())
	return cmd
}

// testRecord is `attest test record`.
func (m *Main) testRecord() *cobra.Command {
	var f testFlags
	rec := &cobra.Command{
		Use:   "record --control ID --procedure METHOD[,METHOD] [--draw N] --item KEY=RESULT[:NOTE]... [--deviations isolated|systematic] [--internal]",
		Short: "Record a test of a control",
		Example: `  attest test record --control CHG-02 --draw 1 --procedure inspection --item CHG-0012=no-exception --item CHG-0040=deviation:"merged without review" --deviations isolated --auditor-key ~/ana.key
  attest test record --control INC-03 --procedure inquiry,inspection --not-performed --auditor-key ~/ana.key
  attest test record --control AC-06 --procedure inspection --internal --items-file results.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.control == "" {
				return attest.Errorf(attest.EINVALID, "say which control was tested: --control ID")
			}
			req, err := f.request()
			if err != nil {
				return err
			}
			return m.recordTest(req)(cmd, args)
		},
	}
	fl := rec.Flags()
	fl.StringVar(&f.control, "control", "", "the control tested")
	fl.StringVar(&f.procedures, "procedure", "", "how: inquiry, observation, inspection, reperformance (comma-separated; inquiry alone is refused)")
	fl.Int64Var(&f.draw, "draw", 0, "the sample draw the items come from (every item of it needs a result)")
	fl.StringArrayVar(&f.items, "item", nil, "KEY=no-exception, KEY=deviation:WHAT or KEY=not-applicable:WHY (repeatable)")
	fl.StringVar(&f.itemsFile, "items-file", "", "item results from a CSV file with columns key,result,note")
	fl.StringVar(&f.deviations, "deviations", "", "isolated or systematic (required when a deviation is recorded)")
	fl.BoolVar(&f.internal, "internal", false, "management's own internal test, not the auditor's")
	fl.BoolVar(&f.notPerformed, "not-performed", false, "no testing performed: the circumstances that warrant the control did not occur (event-driven controls with an evidenced empty population only)")
	fl.StringVar(&f.covers, "covers", "", "the part of the period tested, FROM..TO (interim testing; default the whole period)")
	fl.StringVar(&f.appliesTo, "applies-to", "", "other engagements (same control, same period) the result also serves, comma-separated")
	fl.StringVar(&f.reason, "reason", "", "why fewer items were tested than the size rule asks")
	fl.StringVar(&f.acknowledged, "acknowledge", "", "the auditor's word on occurrences with missed or late evidence, to conclude no exceptions despite them")
	fl.StringVar(&f.testOfOne, "test-of-one", "", "an automated control tested once: how its configuration was tested (needs --supported-by)")
	fl.StringVar(&f.supportedBy, "supported-by", "", "for a test of one: the access and change-management controls over the system, comma-separated")
	return m.remote(rec, func([]string) (remoteCall, error) {
		if f.internal {
			return nil, attest.Errorf(attest.EINVALID, "--server is for the service auditor's signed acts; management records internal tests on its own installation")
		}
		req, err := f.request()
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, c *remote.Client) (remote.Answer, error) { return c.RecordTest(ctx, req) }, nil
	})
}

// testFlags are attest test record's flags.
type testFlags struct {
	control, procedures, deviations, itemsFile, covers, appliesTo, reason, acknowledged, testOfOne, supportedBy string
	items                                                                                                       []string
	draw                                                                                                        int64
	internal, notPerformed                                                                                      bool
}

// request parses the flags once into the test recorded, in process or
// on --server (remote.Client.RecordTest); the engagement is filled in by the caller.
func (f *testFlags) request() (fieldwork.TestRequest, error) {
	results, err := parseItems(f.items, f.itemsFile)
	if err != nil {
		return fieldwork.TestRequest{}, err
	}
	req := fieldwork.TestRequest{Control: f.control, Internal: f.internal,
		Procedures: strings.Split(f.procedures, ","), DrawID: f.draw, Items: results, Deviations: f.deviations, NotPerformed: f.notPerformed,
		AppliesTo: splitList(f.appliesTo), Reason: f.reason, Acknowledged: f.acknowledged, TestOfOne: f.testOfOne, SupportedBy: splitList(f.supportedBy)}
	if f.covers != "" {
		from, to, ok := strings.Cut(f.covers, "..")
		if !ok {
			return req, attest.Errorf(attest.EINVALID, "--covers %q: want FROM..TO (YYYY-MM-DD..YYYY-MM-DD)", f.covers)
		}
		req.From, req.To = strings.TrimSpace(from), strings.TrimSpace(to)
	}
	return req, nil
}

// recordTest is the RunE that records req on the engagement:
// management's internal test as the local operator, else the service
// auditor's, signed with their key.
func (m *Main) recordTest(req fieldwork.TestRequest) runner {
	if req.Internal {
		return writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (*attest.Test, error) {
			env, actor, err := m.fieldwork(ctx, d, e)
			if err != nil {
				return nil, err
			}
			req.Engagement = e.ID
			return fieldwork.RecordTest(ctx, env, d.db, m.change(), actor, req)
		}, m.sayTest("management's internal"))
	}
	return signs(m, func(ctx context.Context, d *data, e *attest.Engagement, c auditorCall, sl fieldwork.Seal) (*attest.Test, error) {
		req.Engagement, req.Seal = e.ID, sl
		return fieldwork.RecordTest(ctx, c.env, d.db, c.ch, c.actor, req)
	}, m.sayTest("the service auditor's"))
}

// sayTest says which test was recorded, and whose.
func (m *Main) sayTest(whose string) func(*attest.Test) error {
	return func(t *attest.Test) error {
		m.printf("Recorded test %d of %s (%s): %s\n", t.ID, t.ControlID, whose, t.Wording)
		return nil
	}
}

// testRespond is `attest test respond`.
func (m *Main) testRespond() *cobra.Command {
	var text string
	var testID int64
	respond := &cobra.Command{
		Use:   "respond --test N --text TEXT",
		Short: "Attach management's response to a test with exceptions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(text) == "" || testID <= 0 {
				return attest.Errorf(attest.EINVALID, "respond needs --test N and --text TEXT")
			}
			return writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (*attest.Response, error) {
				_, actor, err := m.fieldwork(ctx, d, e)
				if err != nil {
					return nil, err
				}
				return fieldwork.Respond(ctx, d.db, m.change(), actor, e.ID, testID, text)
			}, func(*attest.Response) error {
				m.printf("Attached management's response to test %d.\n", testID)
				return nil
			})(cmd, args)
		},
	}
	respond.Flags().Int64Var(&testID, "test", 0, "the test with exceptions")
	respond.Flags().StringVar(&text, "text", "", "management's response")
	return respond
}

// testList is `attest test list`.
func (m *Main) testList() *cobra.Command {
	var listControl string
	var onlyInternal bool
	list := &cobra.Command{
		Use:   "list [--control ID] [--internal]",
		Short: "List tests: the auditor's by default, management's internal ones with --internal",
		Args:  cobra.NoArgs,
		RunE: readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) ([]fieldwork.Tested, error) {
			auditors, internal, err := fieldwork.Tests(ctx, d.db, nil, auth.Everything, e.ID, strings.ToUpper(listControl))
			if onlyInternal {
				auditors = internal
			}
			return attest.OrEmpty(auditors), err
		}, func(out []fieldwork.Tested) error {
			return rows(m.Stdout, "ID\tCONTROL\tPROCEDURES\tITEMS\tBY\tSIGNED\tRESULT", out, func(t fieldwork.Tested) []any {
				return []any{t.ID, t.ControlID, strings.Join(t.Procedures, ", "), len(t.Items), t.TestedBy, cmp.Or(t.Signature, "-"), t.Wording}
			})
		}),
	}
	list.Flags().StringVar(&listControl, "control", "", "only this control")
	list.Flags().BoolVar(&onlyInternal, "internal", false, "management's internal tests instead of the auditor's")
	return list
}

// testShow is `attest test show`.
func (m *Main) testShow() *cobra.Command {
	show := &cobra.Command{
		Use:   "show N",
		Short: "Show one test with its item results and management's responses",
		Args:  cobra.ExactArgs(1),
		RunE: onNumber(numberOf("test"), func(id int64) runner {
			return reads(m, func(ctx context.Context, d *data, _ []string) (testShown, error) {
				t, err := fieldwork.ReadTest(ctx, d.db, nil, auth.Everything, id)
				if err != nil {
					return testShown{}, err
				}
				return testShown{t.Responses, t.Signature, &t.Test}, nil
			}, m.printTest)
		}),
	}
	return show
}

// testShown is what test show prints (JSON keys in alphabetical order, as
// they have always been printed).
type testShown struct {
	Responses []attest.Response `json:"responses"`
	// Signature is the verdict on the auditor's signed statement
	// (verified, unsigned, bad_signature); empty for management's tests.
	Signature string       `json:"signature,omitempty"`
	Test      *attest.Test `json:"test"`
}

func (m *Main) printTest(v testShown) error {
	t, rs := v.Test, v.Responses
	whose := "service auditor's test"
	if t.Internal {
		whose = "management's internal test"
	}
	m.printf("Test %d of %s (%s) by %s, %s\nProcedures: %s\nResult: %s\n", t.ID, t.ControlID, whose, t.TestedBy, t.TestedAt, strings.Join(t.Procedures, ", "), t.Wording)
	if v.Signature != "" {
		m.printf("Auditor's signed statement: %s\n", v.Signature)
	}
	for _, it := range t.Items {
		m.printf("  %-20s %s %s\n", it.Key, it.Result, it.Note)
	}
	for _, r := range rs {
		m.printf("Management's response (%s, %s): %s\n", r.By, r.At, r.Text)
	}
	return nil
}

// parseItems reads KEY=RESULT[:NOTE] flags and an optional CSV file.
func parseItems(flags []string, file string) ([]attest.ItemResult, error) {
	var l fieldwork.Items
	for _, f := range flags {
		if err := l.AddText(f); err != nil {
			return nil, attest.Errorf(attest.EINVALID, "--item: %s", attest.ErrorMessage(err))
		}
	}
	if file == "" {
		return l.List(), nil
	}
	fh, err := os.Open(file)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%s: %v", file, fileerr.Reason(err))
	}
	defer fh.Close()
	return fieldwork.ReadItems(file, fh, l.List())
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
