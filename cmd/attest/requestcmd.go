package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/spf13/cobra"
)

func (m *Main) requestCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "request",
		Short: "The auditor's evidence requests: what is asked, for which items, by when, and the evidence that answers it",
	}
	cmd.AddCommand(m.requestCreate(), m.requestFulfil(), m.requestClose(), m.requestList())
	return cmd
}

// requestCreate is `attest request create`.
func (m *Main) requestCreate() *cobra.Command {
	var control, text, due, items string
	create := &cobra.Command{
		Use:   "create --control ID --text TEXT [--items KEY,KEY] [--due YYYY-MM-DD]",
		Short: "Ask for evidence (auditors only)",
		Args:  cobra.NoArgs,
		RunE: m.onEngagement(func(ctx context.Context, cmd *cobra.Command, args []string, d *data, e *attest.Engagement) error {
			r, err := signedAct(ctx, m, d, e, func(c auditorCall, sl fieldwork.Seal) (*attest.Request, error) {
				return fieldwork.CreateRequest(ctx, c.env, d.db, c.ch, c.actor, fieldwork.NewRequest{Engagement: e.ID, Control: control, Text: text, Items: strings.Split(items, ","), Due: due, Seal: sl})
			})
			if err != nil {
				return err
			}
			return m.answer(r, "Created request %d for %s.\n", r.ID, r.ControlID)
		}),
	}
	create.Flags().StringVar(&control, "control", "", "the control")
	create.Flags().StringVar(&text, "text", "", "what is asked")
	create.Flags().StringVar(&items, "items", "", "the sample items it is for (comma-separated keys)")
	create.Flags().StringVar(&due, "due", "", "when it is due")
	return m.remote(create, func([]string) (string, map[string]any, error) {
		return "/requests", map[string]any{"control": control, "text": text, "items": items, "due": due}, nil
	})
}

// requestFulfil is `attest request fulfil`.
func (m *Main) requestFulfil() *cobra.Command {
	var evidence string
	fulfil := &cobra.Command{
		Use:   "fulfil N --evidence ID[,ID]",
		Short: "Answer a request with evidence",
		Args:  cobra.ExactArgs(1),
		RunE: m.onRequest(func(ctx context.Context, d *data, r *attest.Request, e *attest.Engagement) error {
			var ids []int64
			for _, s := range strings.Split(evidence, ",") {
				if s = strings.TrimSpace(s); s == "" {
					continue
				}
				id, err := parseID(s)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			_, actor, err := m.fieldwork(ctx, d, e)
			if err != nil {
				return err
			}
			saved, err := fieldwork.Answer(ctx, d.db, m.change(), actor, r, ids)
			if err != nil {
				return err
			}
			return m.written(ctx, d, saved, "Request %d is fulfilled; the auditor closes it after review.\n", saved.ID)
		}),
	}
	fulfil.Flags().StringVar(&evidence, "evidence", "", "the evidence that answers it")
	return fulfil
}

// requestClose is `attest request close`.
func (m *Main) requestClose() *cobra.Command {
	closeCmd := &cobra.Command{
		Use:   "close N",
		Short: "Close a request after review (auditors only)",
		Args:  cobra.ExactArgs(1),
		RunE: m.onRequest(func(ctx context.Context, d *data, r *attest.Request, e *attest.Engagement) error {
			saved, err := signedAct(ctx, m, d, e, func(c auditorCall, sl fieldwork.Seal) (*attest.Request, error) {
				return fieldwork.CloseRequest(ctx, c.env, d.db, c.ch, c.actor, r, sl)
			})
			if err != nil {
				return err
			}
			return m.answer(saved, "Closed request %d.\n", saved.ID)
		}),
	}
	return m.remote(closeCmd, func(args []string) (string, map[string]any, error) {
		id, err := requestNumber(args[0])
		if err != nil {
			return "", nil, err
		}
		return fmt.Sprintf("/requests/%d/close", id), map[string]any{}, nil
	})
}

// requestList is `attest request list`.
func (m *Main) requestList() *cobra.Command {
	list := &cobra.Command{
		Use:   "list",
		Short: "The request list; overdue requests stand out",
		Args:  cobra.NoArgs,
		RunE: m.onEngagement(func(ctx context.Context, cmd *cobra.Command, args []string, d *data, e *attest.Engagement) error {
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
			return m.list(out, "ID\tCONTROL\tSTATUS\tDUE\tITEMS\tEVIDENCE\tREQUEST", func(w io.Writer) {
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
			})
		}),
	}
	return list
}

// onRequest is the RunE of a command on one request (args[0]): the data
// directory open, the request and its engagement read.
func (m *Main) onRequest(run func(ctx context.Context, d *data, r *attest.Request, e *attest.Engagement) error) func(*cobra.Command, []string) error {
	return m.onRecord(numberOf("request"), func(ctx context.Context, id int64, d *data) error {
		r, err := d.db.Request(ctx, id)
		if err != nil {
			return err
		}
		e, err := d.db.Engagement(ctx, r.EngagementID)
		if err != nil {
			return err
		}
		return run(ctx, d, r, e)
	})
}
