package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/fieldwork/remote"
	"github.com/attest-dev/attest/sample"
	"github.com/spf13/cobra"
)

func (m *Main) auditorCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auditor",
		Short: "Name the service auditor's team on the engagement and enroll their keys",
		Long: `Name the people of the CPA firm who work on the engagement, link each to
their account, and enroll the public keys they sign with. Only they may set
seeds, draw samples, record the auditor's tests and conclusions, and make or
close requests, and each such act is a statement signed with the auditor's
own key (attest auditor keygen; --auditor-key FILE): the key, not a name,
says who acted.`,
	}
	var firm, email string
	add := &cobra.Command{
		Use:   "add NAME [--user EMAIL] [--firm TEXT]",
		Short: "Add an auditor to the engagement, linked to their account",
		Long: `Name an auditor of the engagement. Access and authorship follow the account,
never the name: --user names the auditor's account by its e-mail address;
without it, the one auditor account whose name is exactly NAME is linked,
and when there is none (or several) the auditor stays unlinked, with no
access, until attest engagement auditor link NAME --user EMAIL.`,
		Args: cobra.ExactArgs(1),
		RunE: writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) (auditorAdded, error) {
			a, err := auth.AddAuditor(ctx, d.db, m.change(), nil, attest.Auditor{EngagementID: e.ID, Name: args[0], Firm: firm}, email)
			if err != nil {
				return auditorAdded{}, err
			}
			return auditorAdded{a.Name, e.ID, a.Firm, a.UserID}, nil
		}, func(a auditorAdded) error {
			m.printf("%s (%s) is an auditor of %s.\n", a.Name, dashStr(a.Firm), a.Engagement)
			if a.UserID == 0 {
				m.printf("No auditor account is linked yet: they have no access until attest engagement auditor link %q --user THEIR-ADDRESS.\n", a.Name)
			}
			return nil
		}),
	}
	add.Flags().StringVar(&firm, "firm", "", "the auditor's CPA firm (default: the engagement's)")
	add.Flags().StringVar(&email, "user", "", "the auditor's account (e-mail address)")
	link := &cobra.Command{
		Use:   "link NAME --user EMAIL",
		Short: "Link a named auditor to their account",
		Args:  cobra.ExactArgs(1),
		RunE: writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) (*attest.Auditor, error) {
			return auth.LinkAuditor(ctx, d.db, m.change(), nil, e.ID, args[0], email)
		}, func(a *attest.Auditor) error {
			m.printf("%s, auditor of %s, is account %d.\n", a.Name, a.EngagementID, a.UserID)
			return nil
		}),
	}
	link.Flags().StringVar(&email, "user", "", "the auditor's account (e-mail address)")
	link.MarkFlagRequired("user")
	remove := &cobra.Command{
		Use:   "remove NAME",
		Short: "Take an auditor off the engagement (what they recorded stays)",
		Args:  cobra.ExactArgs(1),
		RunE: writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) (map[string]string, error) {
			name, err := auth.RemoveAuditor(ctx, d.db, m.change(), nil, e.ID, args[0])
			if err != nil {
				return nil, err
			}
			return map[string]string{"engagement": e.ID, "removed": name}, nil
		}, func(v map[string]string) error {
			m.printf("%s is no longer an auditor of %s.\n", v["removed"], v["engagement"])
			return nil
		}),
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the engagement's auditors",
		Args:  cobra.NoArgs,
		RunE: readsAbout(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) ([]attest.Auditor, error) {
			return fieldwork.Auditors(ctx, d.db, auth.Everything, e.ID)
		}, func(e *attest.Engagement, as []attest.Auditor) error {
			for _, a := range as {
				m.printf("%s\t%s\tadded %s by %s\n", a.Name, dashStr(a.Firm), a.AddedAt, a.AddedBy)
			}
			if len(as) == 0 {
				m.printf("No auditors named for %s yet: attest engagement auditor add NAME\n", e.ID)
			}
			return nil
		}),
	}
	cmd.AddCommand(add, link, remove, list)
	cmd.AddCommand(m.enrollCommands()...)
	return cmd
}

// auditorAdded is what engagement auditor add answers (JSON keys in
// alphabetical order, as they have always been printed).
type auditorAdded struct {
	Name       string `json:"auditor"`
	Engagement string `json:"engagement"`
	Firm       string `json:"firm"`
	UserID     int64  `json:"user_id"`
}

// fieldworkEnv is the environment of the auditor's workflows on a data
// directory: the store, the blobs and the access policy of now.
func (m *Main) fieldworkEnv(ctx context.Context, d *data) (fieldwork.Env, error) {
	return fieldwork.NewEnv(ctx, d.db, d.blobs, nil, m.Now())
}

// fieldwork is the environment of the auditor's workflows on a data
// directory, and the account the operator acts for: with --auditor-key,
// the account the key is enrolled for; otherwise none, the local operator
// (management). A name is never an identity: --as (or ATTEST_AS) naming
// one of the engagement's auditors is refused, so that no one acts as the
// auditor, or records the auditor's acts under the auditor's name, by
// typing it.
func (m *Main) fieldwork(ctx context.Context, d *data, e *attest.Engagement) (fieldwork.Env, *attest.User, error) {
	env, err := m.fieldworkEnv(ctx, d)
	if err != nil {
		return env, nil, err
	}
	if path := m.auditorKeyFile(); path != "" {
		// The auditor's key says who acts: the account it is enrolled for.
		_, u, err := keyHolder(ctx, d, e, path)
		return env, u, err
	}
	as, err := d.db.Auditors(ctx, e.ID)
	if err != nil {
		return env, nil, err
	}
	who, given := m.cfg.as, "--as"
	if who == "" {
		who, given = m.Getenv("ATTEST_AS"), "ATTEST_AS"
	}
	return env, nil, fieldwork.RefuseAuditorName(as, e, who, given)
}

func (m *Main) sampleCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Sample sizes and the auditor's seeded, reproducible selection",
	}
	cmd.AddCommand(m.sampleSize(), m.sampleDraw(), m.sampleExtend(), m.sampleList(), m.sampleProfile())
	return cmd
}

func (m *Main) sampleSize() *cobra.Command {
	var control, frequency, supportedBy, confidence, tolerable string
	var popSize, deviations int
	var testOfOne bool
	cmd := &cobra.Command{
		Use:   "size [--control ID | --frequency F | --confidence C --tolerable T [--deviations-allowed K]] [--population-size N]",
		Short: "The sample size for a control, a frequency, a population, or statistical parameters",
		Long: `Print a sample size and the rule behind it. Sizes are the audit firm's
choice: the defaults are the table in the user guide (by frequency, and by
population size for event-driven controls); a firm loads its own with
` + "`attest sample profile set --file`" + `. With --confidence and --tolerable
(fractions such as 0.95 and 0.05, or percentages such as 95 and 5) the size is
exact binomial attribute sampling: confidence from 80% to 99.9% (a risk of
overreliance of 0.1% to 20%), a tolerable deviation rate from 1% to 20%.

The population caps every size: with --population-size N (or a control's
imported population), a population no larger than the size is tested whole.
--population-size alone sizes an event-driven population by the table.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			q := fieldwork.SizeQuery{Confidence: confidence, Tolerable: tolerable, Deviations: deviations, Frequency: frequency,
				Control: control, TestOfOne: testOfOne, SupportedBy: strings.Split(supportedBy, ","), Population: -1}
			if cmd.Flags().Changed("population-size") {
				if q.Population = popSize; popSize < 0 {
					return attest.Errorf(attest.EINVALID, "--population-size %d: want 0 or more", popSize)
				}
			}
			var size sample.Size
			var err error
			if control != "" {
				err = m.withEngagement(ctx, func(d *data, e *attest.Engagement) (err error) {
					size, err = fieldwork.Size(ctx, d.db, d.db, e, q)
					return err
				})
			} else {
				// The firm's table when a data directory is at hand, else the defaults.
				var p fieldwork.ProfileStore
				if d := m.openIfThere(ctx); d != nil {
					defer d.Close()
					p = d.db
				}
				size, err = fieldwork.Size(ctx, nil, p, nil, q)
			}
			if err != nil {
				err = flagged(flagged(err, "confidence:", "--confidence:"), "tolerable:", "--tolerable:")
				err = hinted(err, attest.EINVALID, "is event-driven", "import its population (attest population import), or give --population-size N")
				err = hinted(err, attest.EINVALID, "sized by population", "give --population-size N")
				return hinted(err, attest.EINVALID, "say what to size", "--control, --frequency, --population-size, or --confidence with --tolerable")
			}
			return m.answer(size, "%d (%s)\n", size.Size, size.Rule)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&control, "control", "", "size for this control of the engagement")
	fl.StringVar(&frequency, "frequency", "", "size for a periodic frequency")
	fl.IntVar(&popSize, "population-size", 0, "the population's size: caps any size; alone, sizes an event-driven population")
	fl.StringVar(&confidence, "confidence", "", "confidence level, 80% to 99.9%: 0.95, 95 or 95% (risk of overreliance 5%)")
	fl.StringVar(&tolerable, "tolerable", "", "tolerable deviation rate, 1% to 20%: 0.05, 5 or 5%")
	fl.IntVar(&deviations, "deviations-allowed", 0, "deviations the sample may contain")
	fl.BoolVar(&testOfOne, "test-of-one", false, "an automated control tested once per configuration (needs --supported-by)")
	fl.StringVar(&supportedBy, "supported-by", "", "the logical-access and change-management controls over the system (comma-separated IDs)")
	return cmd
}

// openIfThere opens the data directory when there is one (for the firm's
// sample-size table), nil otherwise: sizes need no data directory.
func (m *Main) openIfThere(ctx context.Context) *data {
	if _, err := os.Stat(m.cfg.dataDir); err != nil && m.cfg.db == "" {
		return nil
	}
	d, err := m.open(ctx)
	if err != nil {
		return nil
	}
	return d
}

func (m *Main) sampleProfile() *cobra.Command {
	cmd := &cobra.Command{Use: "profile", Short: "The audit firm's sample-size table"}
	var file string
	set := &cobra.Command{
		Use:   "set --file PROFILE.json",
		Short: "Load the firm's own sample-size table (auditors only)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := os.ReadFile(file)
			if err != nil {
				return attest.Errorf(attest.EINVALID, "read profile: %v", err)
			}
			// A setting of this installation, not a ledger entry: no
			// checkpoint to sign.
			return readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (sample.Profile, error) {
				env, actor, err := m.fieldwork(ctx, d, e)
				if err != nil {
					return sample.Profile{}, err
				}
				return fieldwork.SetProfile(ctx, env, d.db, actor, e.ID, file, b)
			}, func(p sample.Profile) error {
				m.printf("Loaded the sample-size profile %q.\n", p.Name)
				return nil
			})(cmd, args)
		},
	}
	set.Flags().StringVar(&file, "file", "", "a JSON profile: {\"name\", \"by_frequency\": {\"quarterly\": 2, ...}, \"event_driven\": [{\"max\": 1, \"size\": 1}, ..., {\"max\": 0, \"size\": 40}]}")
	showCmd := &cobra.Command{
		Use:   "show",
		Short: "Show the sample-size table in force",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p := sample.DefaultProfile()
			if d := m.openIfThere(cmd.Context()); d != nil {
				defer d.Close()
				var err error
				if p, err = fieldwork.Profile(cmd.Context(), d.db); err != nil {
					return err
				}
			}
			return show(m, p, m.printProfile)
		},
	}
	cmd.AddCommand(set, showCmd)
	return cmd
}

// printProfile shows a sample-size table.
func (m *Main) printProfile(p sample.Profile) error {
	m.printf("%s\n", p.Name)
	for _, f := range attest.Frequencies {
		if n, ok := p.ByFrequency[f]; ok {
			m.printf("  %-15s %d\n", f, n)
		}
	}
	prev := 0
	for _, b := range p.EventDriven {
		if b.Max == 0 {
			m.printf("  event-driven, more than %d items: %d\n", prev, b.Size)
		} else {
			m.printf("  event-driven, %d to %d items: %d\n", prev+1, b.Max, b.Size)
		}
		prev = b.Max
	}
	return nil
}

// drawJSON is the published shape of `attest sample draw --json`.
type drawJSON struct {
	ID         int64          `json:"id"`
	Control    string         `json:"control"`
	Population map[string]any `json:"population"`
	Seed       string         `json:"seed"`
	Size       int            `json:"size"`
	Rule       string         `json:"rule"`
	Stratify   string         `json:"stratify,omitempty"`
	Binding    bool           `json:"binding"`
	DrawnBy    string         `json:"drawn_by"`
	Items      []string       `json:"items"`
	Ranks      []string       `json:"ranks"`
	AllItems   bool           `json:"all_items"`
	Redraw     string         `json:"redraw_reason,omitempty"`
	// pop is the population drawn from, for the text.
	pop *attest.Population
}

func (m *Main) sampleDraw() *cobra.Command {
	var req fieldwork.DrawRequest
	var redraw bool
	cmd := &cobra.Command{
		Use:   "draw --control ID [--population ID] [--seed TEXT] [--size N] [--stratify month|quarter] [--redraw --reason TEXT]",
		Short: "Select the sample (auditors only): seeded, reproducible, recorded, the first draw binding",
		Long: `Select the items to test from a population. Each item is ranked by
HMAC-SHA256 with the seed as key and the item's key as message, and the
lowest ranks are taken (with --stratify, spread over the months or quarters
of the population's date column). The same population and seed always give
the same items, in any row order: docs/sampling.md shows how to recompute a
selection with openssl or Python. Only a named auditor of the engagement may
draw; the seed defaults to a random one, shown in the output. The first
draw for a population is binding: another needs --redraw with a reason, and
both stay visible.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if req.Control == "" {
				return attest.Errorf(attest.EINVALID, "say which control to sample: --control ID")
			}
			if redraw != (strings.TrimSpace(req.Reason) != "") {
				return attest.Errorf(attest.EINVALID, "a redraw needs both --redraw and --reason TEXT")
			}
			err := signs(m, func(ctx context.Context, d *data, e *attest.Engagement, c auditorCall, sl fieldwork.Seal) (drawJSON, error) {
				r := req
				r.Engagement, r.Seal = e.ID, sl
				dr, err := fieldwork.Draw(ctx, c.env, c.ch, c.actor, r)
				if err != nil {
					return drawJSON{}, err
				}
				return drawn(dr, req.Stratify), nil
			}, m.printDraw)(cmd, args)
			return hinted(err, attest.EINVALID, "no earlier draw", "leave out --redraw")
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&req.Control, "control", "", "the control to sample")
	fl.Int64Var(&req.PopulationID, "population", 0, "the population (default: the control's latest)")
	fl.StringVar(&req.Seed, "seed", "", "the seed (default: a random one)")
	fl.IntVar(&req.Size, "size", 0, "the sample size (default: the firm's table)")
	fl.StringVar(&req.Stratify, "stratify", "", "spread the sample over the population's months or quarters")
	fl.BoolVar(&redraw, "redraw", false, "draw again for a population that already has its binding draw")
	fl.StringVar(&req.Reason, "reason", "", "why the redraw (required with --redraw)")
	return m.remote(cmd, always(func(ctx context.Context, c *remote.Client) (remote.Answer, error) { return c.Draw(ctx, req) }))
}

// drawn is the published shape of a draw made from the request's
// stratification.
func drawn(dr *fieldwork.Drawn, stratify string) drawJSON {
	saved, pop := dr.Draw, dr.Population
	return drawJSON{ID: saved.ID, Control: saved.ControlID, Population: map[string]any{"id": pop.ID, "sha256": pop.Ref, "rows": pop.Rows}, Seed: saved.Seed, Size: saved.Size, Rule: saved.Rule,
		Stratify: stratify, Binding: saved.Binding, DrawnBy: saved.DrawnBy, Items: saved.Items, Ranks: dr.Ranks, AllItems: dr.AllItems, Redraw: saved.Redraw, pop: pop}
}

// printDraw says what was drawn, and lists the items.
func (m *Main) printDraw(out drawJSON) error {
	kind := "binding draw"
	if !out.Binding {
		kind = "redraw (the first draw stays binding and visible): " + out.Redraw
	}
	m.printf("Drew %d of %d items from population %d for %s (%s), seed %q, %s.\n", len(out.Items), out.pop.Rows, out.pop.ID, out.Control, out.Rule, out.Seed, kind)
	for i, it := range out.Items {
		m.printf("  %3d  %s\n", i+1, it)
	}
	return nil
}

func (m *Main) sampleList() *cobra.Command {
	var control string
	cmd := &cobra.Command{
		Use:   "list [--control ID]",
		Short: "List the engagement's draws, binding ones and redraws",
		Args:  cobra.NoArgs,
		RunE: readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) ([]fieldwork.Shown, error) {
			return fieldwork.Draws(ctx, d.db, auth.Everything, e.ID, strings.ToUpper(control))
		}, func(ds []fieldwork.Shown) error {
			return rows(m.Stdout, "ID\tCONTROL\tPOPULATION\tSIZE\tKIND\tSEED\tDRAWN BY\tWHEN", ds, func(x fieldwork.Shown) []any {
				return []any{x.ID, x.ControlID, fmt.Sprintf("%d (%d items)", x.PopulationID, x.PopulationRows), len(x.Items), x.Kind, x.Seed, x.DrawnBy, x.DrawnAt}
			})
		}),
	}
	cmd.Flags().StringVar(&control, "control", "", "only this control's draws")
	return cmd
}

func (m *Main) sampleExtend() *cobra.Command {
	var drawID int64
	var size int
	var reason string
	cmd := &cobra.Command{
		Use:   "extend --draw N --size M [--reason TEXT]",
		Short: "Add items to a draw after a deviation, without changing those already drawn (auditors only)",
		Long: `Add the next M items, by the same seed's ranking, to a draw whose testing
found an isolated deviation. The items already drawn stay; the extension is
its own ledger entry. Offered only for populations of more than 12 items:
smaller ones are tested in full. An extension does not cure a systematic
deviation.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if drawID <= 0 || size <= 0 {
				return attest.Errorf(attest.EINVALID, "extend needs --draw N and --size M (M > 0)")
			}
			return signs(m, func(ctx context.Context, d *data, e *attest.Engagement, c auditorCall, sl fieldwork.Seal) (*attest.Draw, error) {
				return fieldwork.Extend(ctx, c.env, d.db, c.ch, c.actor, e.ID, drawID, size, reason, sl)
			}, func(saved *attest.Draw) error {
				m.printf("Extended draw %d with %d items (draw %d):\n", drawID, len(saved.Items), saved.ID)
				for _, k := range saved.Items {
					m.printf("  %s\n", k)
				}
				return nil
			})(cmd, args)
		},
	}
	cmd.Flags().Int64Var(&drawID, "draw", 0, "the draw to extend")
	cmd.Flags().IntVar(&size, "size", 0, "how many items to add")
	cmd.Flags().StringVar(&reason, "reason", "", "why (e.g. the deviation found)")
	return m.remote(cmd, always(func(ctx context.Context, c *remote.Client) (remote.Answer, error) {
		return c.Extend(ctx, drawID, size, reason)
	}))
}
