package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/check"
	"github.com/spf13/cobra"
)

func (m *Main) reviewCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "review",
		Short: "Access reviews: each account of a system reviewed, decided and signed off, revokes followed up",
		Long: `An access review (a campaign) covers one system's listing of accounts: from a
collection (identity-provider users or AWS IAM users) or a CSV file. Each
account, privileged ones first, goes to a reviewer (the system owner or the
holder's manager, never the holder), who decides keep, change or revoke (with
a reason for change and revoke) and signs off. Revokes stay open until a later
listing shows the account gone, or a ticket is linked; open ones block the
campaign's completion. A completed campaign can become evidence.

  attest review start --system NAME --file accounts.csv [--roster-file roster.csv]
  attest review start --system NAME --from-collection ID [--roster ID]
  attest review assign ID --owner EMAIL [--by-manager]
  attest review decide ID --reviewer EMAIL --file decisions.csv
  attest review signoff ID --reviewer EMAIL
  attest review status [ID]
  attest review confirm ID --file later.csv | --account A --ticket T
  attest review complete ID [--control ID]
  attest review export ID --format csv|xlsx [-o FILE]

An accounts CSV has a header row with the columns ` + strings.Join(accessreview.Columns, ", ") + `
(system and account required; roles and entitlements separated by ";";
privileged true or false, judged from the role names when empty). Rows of
other systems are left out and counted. A decisions CSV has the columns
account, decision, reason.`,
	}
	c.AddCommand(m.reviewStart(), m.reviewAssign(), m.reviewDecide(), m.reviewSignoff(), m.reviewStatus(), m.reviewConfirm(), m.reviewComplete(), m.reviewExport())
	return c
}

func campaignArg(s string) (int64, error) {
	return recordNumber(s, "an access review's number")
}

// listingSource is where a listing is read from: a collection or a file.
type listingSource struct {
	collection int64
	file       string
	extracted  string
}

func (l *listingSource) flags(c *cobra.Command) {
	c.Flags().Int64Var(&l.collection, "from-collection", 0, "the collection (its evidence ID, from attest collect) that lists the accounts")
	c.Flags().StringVar(&l.file, "file", "", "a CSV of accounts")
	c.Flags().StringVar(&l.extracted, "extracted", "", "when the file was extracted from the system (default: the file's modification time)")
}

// read is the listing's accounts of system and its provenance.
func (l *listingSource) read(ctx context.Context, m *Main, d *data, system string) ([]accessreview.Account, attest.Listing, error) {
	switch {
	case (l.collection != 0) == (l.file != ""):
		return nil, attest.Listing{}, &attest.Error{Code: attest.EINVALID, Message: "give the listing: --from-collection ID or --file accounts.csv (one of them)"}
	case l.file != "":
		b, err := readInput(l.file)
		if err != nil {
			return nil, attest.Listing{}, err
		}
		at := l.extracted
		if at == "" {
			st, _ := os.Stat(l.file)
			at = st.ModTime().UTC().Format(time.RFC3339)
		}
		return accessreview.FromFile(filepath.Base(l.file), b, system, at, m.actor())
	}
	c, err := check.LoadCollection(ctx, d.db, d.blobs, l.collection)
	if err != nil {
		return nil, attest.Listing{}, err
	}
	return accessreview.FromCollection(c, system)
}

// collection reads a collection back from evidence; one with unreadable
// rows is no complete listing.
func (m *Main) collection(ctx context.Context, d *data, id int64) (*check.Collection, error) {
	c, err := check.LoadCollection(ctx, d.db, d.blobs, id)
	if err != nil {
		return nil, err
	}
	return c, c.Whole()
}

func (m *Main) roster(ctx context.Context, d *data, id int64, file string) (accessreview.Roster, string, error) {
	switch {
	case id != 0:
		c, err := check.LoadCollection(ctx, d.db, d.blobs, id)
		if err != nil {
			return nil, "", err
		}
		return accessreview.RosterFromCollection(c)
	case file != "":
		f, err := os.Open(file)
		if err != nil {
			return nil, "", attest.Errorf(attest.EINVALID, "read %s: %v", file, err)
		}
		defer f.Close()
		return accessreview.RosterFromFile(filepath.Base(file), f)
	}
	// Neither: the roster Attest keeps (attest people), when there is one.
	return accessreview.KeptRoster(ctx, d.db)
}

func (m *Main) reviewStart() *cobra.Command {
	var system, due, completeness, rosterFile string
	var rosterID int64
	var src listingSource
	c := &cobra.Command{
		Use:   "start --system NAME (--from-collection ID | --file accounts.csv)",
		Short: "Start an access review of one system's accounts",
		Args:  cobra.NoArgs,
		RunE: writes(m, func(ctx context.Context, d *data, args []string) (*started, error) {
			accts, l, err := src.read(ctx, m, d, system)
			if err != nil {
				return nil, err
			}
			roster, name, err := m.roster(ctx, d, rosterID, rosterFile)
			if err != nil {
				return nil, err
			}
			l.Roster = name
			l.Completeness = strings.TrimSpace(l.Completeness + " " + completeness)
			c, items, err := accessreview.Start(ctx, d.db, m.change(), nil, accessreview.StartRequest{System: system, Due: due, Accounts: accts, Listing: l, Roster: roster})
			if err != nil {
				return nil, err
			}
			return &started{c, items}, nil
		}, func(s *started) error {
			priv, flagged := 0, 0
			for _, it := range s.items {
				if it.Privileged {
					priv++
				}
				if len(it.Flags) > 0 {
					flagged++
				}
			}
			c := s.Campaign
			m.printf("Started access review %d of %s: %d accounts (%d privileged, %d flagged), due %s.\nListing: %s, extracted %s; rows SHA-256 %s.\nNext: attest review assign %d --owner EMAIL [--by-manager]\n",
				c.ID, c.System, c.Accounts, priv, flagged, c.Due, c.Listing.Source, c.Listing.ExtractedAt, c.Listing.Digest, c.ID)
			return nil
		}),
	}
	c.Flags().StringVar(&system, "system", "", "the system under review (required)")
	c.Flags().StringVar(&due, "due", "", "the day reviewers must be done by (YYYY-MM-DD; default: in 30 days)")
	c.Flags().StringVar(&completeness, "completeness", "", "how you checked the listing complete, beyond what Attest checks (e.g. reconciled to the console's count)")
	c.Flags().Int64Var(&rosterID, "roster", 0, "a collection holding the HR roster: flags accounts of people not on it or gone (default: the roster of attest people, if any)")
	c.Flags().StringVar(&rosterFile, "roster-file", "", "an HR roster CSV, instead of --roster")
	src.flags(c)
	c.MarkFlagRequired("system")
	return c
}

// started is a new access review: the campaign, which --json prints as it
// is, and its items, which the text counts.
type started struct {
	*attest.Campaign
	items []attest.ReviewItem
}

func (m *Main) reviewAssign() *cobra.Command {
	var req accessreview.AssignRequest
	c := &cobra.Command{
		Use:   "assign ID --owner EMAIL [--by-manager] [--account A... --reviewer EMAIL]",
		Short: "Give the accounts their reviewers (never the account's own holder)",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, numbered(campaignArg, func(ctx context.Context, d *data, id int64) (*accessreview.Assigned, error) {
			return accessreview.Assign(ctx, d.db, m.change(), nil, id, req)
		}), func(a *accessreview.Assigned) error {
			var parts []string
			for _, r := range slices.Sorted(maps.Keys(a.By)) {
				parts = append(parts, fmt.Sprintf("%s %d", r, a.By[r]))
			}
			m.printf("Assigned %d accounts of access review %d: %s.\n", a.Accounts, a.Campaign, strings.Join(parts, ", "))
			return nil
		}),
	}
	c.Flags().StringVar(&req.Owner, "owner", "", "the system owner's e-mail: reviews every account no one else is given")
	c.Flags().BoolVar(&req.ByManager, "by-manager", false, "give each account to the holder's manager (from the roster) when they have an account")
	c.Flags().StringSliceVar(&req.Accounts, "account", nil, "only these accounts (repeatable)")
	c.Flags().StringVar(&req.Reviewer, "reviewer", "", "the reviewer of the accounts named")
	return c
}

// reviewerNamed is the account of the reviewer the operator acts for.
func reviewerNamed(ctx context.Context, d *data, email string) (*attest.User, error) {
	if strings.TrimSpace(email) == "" {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "name the reviewer whose decisions or sign-off these are", Hint: "--reviewer EMAIL"}
	}
	return accountOf(ctx, d.db, email, attest.Errorf(attest.EINVALID, "reviewer: no account has the address %s", email))
}

func (m *Main) reviewDecide() *cobra.Command {
	var reviewer, file string
	var one accessreview.DecisionInput
	c := &cobra.Command{
		Use:   "decide ID --reviewer EMAIL (--account A --decision keep|change|revoke [--reason R] | --file decisions.csv)",
		Short: "Record a reviewer's decisions (a batch from a file is one ledger entry)",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, numbered(campaignArg, func(ctx context.Context, d *data, id int64) (*decided, error) {
			u, err := reviewerNamed(ctx, d, reviewer)
			if err != nil {
				return nil, err
			}
			ds := []accessreview.DecisionInput{one}
			if file != "" {
				if one.Account != "" {
					return nil, attest.Errorf(attest.EINVALID, "give --file or --account, not both")
				}
				f, err := os.Open(file)
				if err != nil {
					return nil, attest.Errorf(attest.EINVALID, "read %s: %v", file, err)
				}
				ds, err = accessreview.ReadDecisions(filepath.Base(file), f)
				f.Close()
				if err != nil {
					return nil, err
				}
			}
			n, err := accessreview.Decide(ctx, d.db, m.change(), nil, u, id, ds)
			if err != nil {
				return nil, err
			}
			return &decided{Campaign: id, Decided: n, Reviewer: u.Email}, nil
		}), func(x *decided) error {
			m.printf("Recorded %d decisions of %s in access review %d.\n", x.Decided, x.Reviewer, x.Campaign)
			return nil
		}),
	}
	c.Flags().StringVar(&reviewer, "reviewer", "", "the reviewer whose decisions these are (their account's e-mail)")
	c.Flags().StringVar(&file, "file", "", "a CSV of decisions: account, decision, reason")
	c.Flags().StringVar(&one.Account, "account", "", "the account decided")
	c.Flags().StringVar(&one.Decision, "decision", "", "keep, change or revoke")
	c.Flags().StringVar(&one.Reason, "reason", "", "why (required for change and revoke)")
	return c
}

// decided counts a reviewer's decisions recorded in an access review.
type decided struct {
	Campaign int64  `json:"campaign"`
	Decided  int    `json:"decided"`
	Reviewer string `json:"reviewer"`
}

func (m *Main) reviewSignoff() *cobra.Command {
	var reviewer, note string
	c := &cobra.Command{
		Use:   "signoff ID --reviewer EMAIL [--note TEXT]",
		Short: "Record a reviewer's sign-off once every account assigned to them is decided",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, numbered(campaignArg, func(ctx context.Context, d *data, id int64) (*attest.Signoff, error) {
			u, err := reviewerNamed(ctx, d, reviewer)
			if err != nil {
				return nil, err
			}
			return accessreview.SignOff(ctx, d.db, m.change(), nil, u, id, note)
		}), func(so *attest.Signoff) error {
			m.printf("%s signed off access review %d.\n", so.Reviewer, so.Campaign)
			return nil
		}),
	}
	c.Flags().StringVar(&reviewer, "reviewer", "", "the reviewer signing off")
	c.Flags().StringVar(&note, "note", "", "a note kept with the sign-off")
	return c
}

// campaigns is what review status answers for every review: the
// campaigns as they have always been printed (oldest first), and each
// one's status as of now (newest first, as the web's list).
type campaigns struct {
	Campaigns []attest.Campaign     `json:"campaigns"`
	Reviews   []accessreview.Status `json:"reviews"`
}

func (m *Main) reviewStatus() *cobra.Command {
	all := reads(m, func(ctx context.Context, d *data, args []string) (campaigns, error) {
		l, err := accessreview.List(ctx, d.db, nil, auth.Everything, m.Now())
		out := campaigns{Campaigns: []attest.Campaign{}, Reviews: l}
		for i := len(l) - 1; i >= 0; i-- {
			out.Campaigns = append(out.Campaigns, l[i].Campaign)
		}
		return out, err
	}, func(l campaigns) error {
		return rows(m.Stdout, "ID\tSYSTEM\tACCOUNTS\tDECIDED\tDUE\tSTATUS\tLISTING", l.Reviews, func(st accessreview.Status) []any {
			c := st.Campaign
			return []any{c.ID, c.System, c.Accounts, st.Decided, c.Due + map[bool]string{true: " (OVERDUE)"}[st.Overdue], c.Status, c.Listing.Source}
		})
	})
	one := reads(m, numbered(campaignArg, func(ctx context.Context, d *data, id int64) (*accessreview.Status, error) {
		return accessreview.LoadStatus(ctx, d.db, id, m.Now())
	}), m.printReviewStatus)
	return &cobra.Command{
		Use:   "status [ID]",
		Short: "Show every access review, or one with its reviewers and what blocks its completion",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return all(cmd, args)
			}
			return one(cmd, args)
		},
	}
}

// printReviewStatus prints one access review's status for a person: the
// campaign, its reviewers and what blocks its completion.
func (m *Main) printReviewStatus(st *accessreview.Status) error {
	c := st.Campaign
	m.printf("Access review %d of %s: %s, due %s%s.\n  accounts %d, decided %d, revoked %d (%d not yet shown done), flagged %d\n  listing: %s, extracted %s by %s\n  completeness: %s\n",
		c.ID, c.System, c.Status, c.Due, map[bool]string{true: " (OVERDUE)"}[st.Overdue], c.Accounts, st.Decided, st.Revokes, st.Open, st.Flagged,
		c.Listing.Source, c.Listing.ExtractedAt, c.Listing.ExtractedBy, c.Listing.Completeness)
	signed := map[int64]string{}
	for _, s := range st.Signoffs {
		signed[s.ReviewerID] = s.At
	}
	if err := rows(m.Stdout, "REVIEWER\tACCOUNTS\tDECIDED\tPRIVILEGED\tFLAGGED\tSIGNED OFF", st.Reviewers, func(r attest.ReviewerSummary) []any {
		name := r.Reviewer
		if r.ReviewerID == 0 {
			name = "(none yet)"
		}
		return []any{name, r.Items, r.Decided, r.Privileged, r.Flagged, signed[r.ReviewerID]}
	}); err != nil {
		return err
	}
	for _, b := range st.Blockers {
		m.printf("  blocks completion: %s\n", b)
	}
	return nil
}

func (m *Main) reviewConfirm() *cobra.Command {
	var account, ticket string
	var src listingSource
	// A revoke closed by its ticket, as --json prints it.
	type ticketed struct {
		Account  string `json:"account"`
		Campaign int64  `json:"campaign"`
		Ticket   string `json:"ticket"`
	}
	link := writes(m, numbered(campaignArg, func(ctx context.Context, d *data, id int64) (*ticketed, error) {
		if err := accessreview.LinkTicket(ctx, d.db, m.change(), nil, id, account, ticket); err != nil {
			return nil, err
		}
		return &ticketed{Account: account, Campaign: id, Ticket: ticket}, nil
	}), func(t *ticketed) error {
		m.printf("The revoke of %s is closed by ticket %s.\n", t.Account, t.Ticket)
		return nil
	})
	// The revokes a later listing closed (printed as they are), and the
	// listing's name for the text.
	type confirmed struct {
		*accessreview.FollowUp
		source string
	}
	relist := writes(m, numbered(campaignArg, func(ctx context.Context, d *data, id int64) (*confirmed, error) {
		c, err := d.db.Campaign(ctx, id)
		if err != nil {
			return nil, err
		}
		accts, l, err := src.read(ctx, m, d, c.System)
		if err != nil {
			return nil, err
		}
		fu, err := accessreview.Confirm(ctx, d.db, m.change(), nil, id, l, accts)
		if err != nil {
			return nil, err
		}
		return &confirmed{fu, l.Source}, nil
	}), func(x *confirmed) error {
		m.printf("Revokes shown done by %s: %d (%s); still open: %d (%s).\n", x.source, len(x.Closed), strings.Join(x.Closed, ", "), len(x.Open), strings.Join(x.Open, ", "))
		return nil
	})
	c := &cobra.Command{
		Use:   "confirm ID (--from-collection ID | --file later.csv | --account A --ticket T)",
		Short: "Close revokes: by a later listing that no longer holds the account, or by a linked ticket",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if ticket != "" || account != "" {
				return link(cmd, args)
			}
			return relist(cmd, args)
		},
	}
	src.flags(c)
	c.Flags().StringVar(&account, "account", "", "the revoked account a ticket closes")
	c.Flags().StringVar(&ticket, "ticket", "", "the ticket (an ID or a link) that carried out the revoke")
	return c
}

func (m *Main) reviewComplete() *cobra.Command {
	var controls []string
	c := &cobra.Command{
		Use:   "complete ID [--control ID...]",
		Short: "Complete an access review that nothing blocks; with --control its decisions become evidence",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, numbered(campaignArg, func(ctx context.Context, d *data, id int64) (*attest.Campaign, error) {
			c, err := accessreview.Complete(ctx, d.db, d.blobs, m.change(), nil, id, controls)
			return c, hinted(err, attest.ENOTFOUND, "no such control", "see `attest controls list`")
		}), func(c *attest.Campaign) error {
			if c.EvidenceID != 0 {
				m.printf("Access review %d is completed; its decisions are evidence %d for %s.\n", c.ID, c.EvidenceID, strings.ToUpper(strings.Join(controls, ", ")))
				return nil
			}
			m.printf("Access review %d is completed.\n", c.ID)
			return nil
		}),
	}
	c.Flags().StringSliceVar(&controls, "control", nil, "the access-review control the decisions are evidence for (repeatable)")
	return c
}

func (m *Main) reviewExport() *cobra.Command {
	var format, output string
	c := &cobra.Command{
		Use:   "export ID --format csv|xlsx [-o FILE]",
		Short: "Export an access review's accounts and decisions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return m.withData(ctx, func(d *data) error {
				id, err := campaignArg(args[0])
				if err != nil {
					return err
				}
				x, err := accessreview.Exporting(ctx, d.db, nil, nil, id, format, m.Now())
				if err != nil {
					return err
				}
				if x.Format == "xlsx" && output == "" {
					return attest.Errorf(attest.EINVALID, "a workbook is written to a file: give -o FILE")
				}
				items := x.View.Items
				wrote, err := m.writeOut(output, x.Render)
				if err != nil || !wrote {
					return err
				}
				return show(m, map[string]any{"campaign": id, "file": output, "rows": len(items)}, func(map[string]any) error {
					m.printf("Wrote %d accounts of access review %d to %s.\n", len(items), id, output)
					return nil
				})
			})
		},
	}
	c.Flags().StringVar(&format, "format", "csv", "csv or xlsx")
	c.Flags().StringVarP(&output, "output", "o", "", "the file to write (CSV: default standard output)")
	return c
}
