package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/spf13/cobra"
)

func (m *Main) requestCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "request",
		Short: "The auditor's evidence requests: what is asked, for which items, by when, and the evidence that answers it",
	}
	var control, text, due, items string
	create := &cobra.Command{
		Use:   "create --control ID --text TEXT [--items KEY,KEY] [--due YYYY-MM-DD]",
		Short: "Ask for evidence (auditors only)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if control == "" || strings.TrimSpace(text) == "" {
				return attest.Errorf(attest.EINVALID, "a request needs --control ID and --text TEXT")
			}
			if due != "" {
				if _, err := attest.ParseDate(due); err != nil {
					return attest.Errorf(attest.EINVALID, "--due %q: want YYYY-MM-DD", due)
				}
			}
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			if err := m.requireAuditor(ctx, d.db, e, "makes evidence requests"); err != nil {
				return err
			}
			c, err := d.db.Control(ctx, e.ID, strings.ToUpper(control))
			if err != nil {
				return err
			}
			var keys []string
			for _, k := range strings.Split(items, ",") {
				if k = strings.TrimSpace(k); k != "" {
					keys = append(keys, k)
				}
			}
			r, err := d.db.SaveRequest(ctx, m.change(), attest.Request{EngagementID: e.ID, ControlID: c.ID, Text: strings.TrimSpace(text), Items: keys, Due: due, Status: "open"})
			if err != nil {
				return err
			}
			return m.requestDone(ctx, d, r, "Created request %d for %s.\n")
		},
	}
	create.Flags().StringVar(&control, "control", "", "the control")
	create.Flags().StringVar(&text, "text", "", "what is asked")
	create.Flags().StringVar(&items, "items", "", "the sample items it is for (comma-separated keys)")
	create.Flags().StringVar(&due, "due", "", "when it is due")

	var evidence string
	fulfil := &cobra.Command{
		Use:   "fulfil N --evidence ID[,ID]",
		Short: "Answer a request with evidence",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, r, err := m.openRequest(cmd, args[0])
			if err != nil {
				return err
			}
			defer d.Close()
			if r.Status == "closed" {
				return attest.Errorf(attest.ECONFLICT, "request %d is closed", r.ID)
			}
			var ids []int64
			for _, s := range strings.Split(evidence, ",") {
				if s = strings.TrimSpace(s); s == "" {
					continue
				}
				id, err := parseID(s)
				if err != nil {
					return err
				}
				ev, err := d.db.Evidence(ctx, id)
				if err != nil {
					return err
				}
				if ev.Retraction != nil {
					return attest.Errorf(attest.EINVALID, "evidence %d was retracted", id)
				}
				ids = append(ids, id)
			}
			if len(ids) == 0 {
				return attest.Errorf(attest.EINVALID, "say which evidence answers the request: --evidence ID[,ID]")
			}
			r.Evidence = append(r.Evidence, ids...)
			r.Status = "fulfilled"
			saved, err := d.db.SaveRequest(ctx, m.change(), *r)
			if err != nil {
				return err
			}
			return m.requestDone(ctx, d, saved, "Request %d is fulfilled; the auditor closes it after review.\n")
		},
	}
	fulfil.Flags().StringVar(&evidence, "evidence", "", "the evidence that answers it")

	closeCmd := &cobra.Command{
		Use:   "close N",
		Short: "Close a request after review (auditors only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, r, err := m.openRequest(cmd, args[0])
			if err != nil {
				return err
			}
			defer d.Close()
			e, err := d.db.Engagement(ctx, r.EngagementID)
			if err != nil {
				return err
			}
			if err := m.requireAuditor(ctx, d.db, e, "closes requests"); err != nil {
				return err
			}
			r.Status = "closed"
			saved, err := d.db.SaveRequest(ctx, m.change(), *r)
			if err != nil {
				return err
			}
			return m.requestDone(ctx, d, saved, "Closed request %d.\n")
		},
	}

	list := &cobra.Command{
		Use:   "list",
		Short: "The request list; overdue requests stand out",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			rs, err := d.db.Requests(ctx, e.ID)
			if err != nil {
				return err
			}
			today := m.today().Format(attest.DateLayout)
			type row struct {
				attest.Request
				Overdue bool `json:"overdue"`
			}
			out := []row{}
			for _, r := range rs {
				out = append(out, row{r, r.Status == "open" && r.Due != "" && r.Due < today})
			}
			if m.cfg.json {
				return m.printJSON(out)
			}
			w := m.table()
			fmt.Fprintln(w, "ID\tCONTROL\tSTATUS\tDUE\tITEMS\tEVIDENCE\tREQUEST")
			for _, r := range out {
				status := r.Status
				if r.Overdue {
					status = "OVERDUE"
				}
				ev := make([]string, len(r.Evidence))
				for i, x := range r.Evidence {
					ev[i] = strconv.FormatInt(x, 10)
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.ControlID, status, dashStr(r.Due), shortList(r.Items, 3), dash(ev), r.Text)
			}
			return w.Flush()
		},
	}
	cmd.AddCommand(create, fulfil, closeCmd, list)
	return cmd
}

func (m *Main) openRequest(cmd *cobra.Command, arg string) (*data, *attest.Request, error) {
	id, err := parseNumber("request", arg)
	if err != nil {
		return nil, nil, err
	}
	d, err := m.open(cmd.Context())
	if err != nil {
		return nil, nil, err
	}
	r, err := d.db.Request(cmd.Context(), id)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, r, nil
}

func (m *Main) requestDone(ctx context.Context, d *data, r *attest.Request, format string) error {
	if _, err := d.checkpoint(ctx); err != nil {
		return err
	}
	if m.cfg.json {
		return m.printJSON(r)
	}
	m.printf(format, r.ID)
	return nil
}
