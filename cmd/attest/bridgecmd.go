package main

import (
	"context"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/report"
	"github.com/spf13/cobra"
)

// bridgeFlags are attest report bridge-letter's own flags.
type bridgeFlags struct {
	through     string
	confirmNone bool
	matters     []string
}

func (m *Main) reportBridge() *cobra.Command {
	var f reportFlags
	var b bridgeFlags
	c := &cobra.Command{
		Use:   "bridge-letter [--through DATE] [--confirm-none] [--matter TEXT]...",
		Short: "Draft management's bridge letter from the last issued report's period end to --through",
		Long: `Draft management's bridge (gap) letter: its own, unexamined statement for the
time from the end of the period of the last report the service auditor issued
(of the engagement's kind, as kept with attest report issued add) to --through
(default today). The letter names that report by its record, lists what
Attest's data holds since then (significant changes and incidents in the
description inputs, missed and late occurrences, failing checks in the latest
run, the auditor's exceptions) for management to confirm or edit, and says
when the next report is expected.

Nothing is stated as "none" until management confirms it: with nothing found,
--confirm-none states that there were no changes, deficiencies or incidents;
without it the draft leaves each statement to confirm. --matter adds a matter
in management's words.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			through := m.today()
			if b.through != "" {
				t, err := attest.ParseDate(b.through)
				if err != nil {
					return attest.Errorf(attest.EINVALID, "--through: %v", attest.ErrorMessage(err))
				}
				through = t
			}
			for _, x := range b.matters {
				if strings.TrimSpace(x) == "" {
					return attest.Errorf(attest.EINVALID, "--matter: give the matter in words")
				}
			}
			return m.draftLetter(ctx, f, "bridge-letter-"+through.Format(time.DateOnly), func(d *data, e *attest.Engagement, desc *report.Description) (*report.Document, []string, error) {
				return m.bridgeDraft(ctx, d, e, desc, through, b)
			})
		},
	}
	f.bind(c, true)
	c.Flags().StringVar(&b.through, "through", "", "the last day the letter covers (YYYY-MM-DD; default today; usually at most 3 months after the issued report's period)")
	c.Flags().BoolVar(&b.confirmNone, "confirm-none", false, "management confirms there were no changes, deficiencies or incidents to disclose (refused when Attest found some)")
	c.Flags().StringArrayVar(&b.matters, "matter", nil, "a change, deficiency or incident since the period end to disclose, in management's words (repeatable)")
	return c
}

// bridgeDraft drafts the bridge letter through the given day.
func (m *Main) bridgeDraft(ctx context.Context, d *data, e *attest.Engagement, desc *report.Description, through time.Time, b bridgeFlags) (*report.Document, []string, error) {
	return report.DraftBridge(ctx, d.db, d.blobs, e, desc, report.BridgeRequest{Through: through, Matters: b.matters, ConfirmedNone: b.confirmNone}, m.Now())
}
