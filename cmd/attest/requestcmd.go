package main

import (
	"context"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/fieldwork/remote"
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
		RunE: signs(m, func(ctx context.Context, d *data, e *attest.Engagement, c auditorCall, sl fieldwork.Seal) (*attest.Request, error) {
			return fieldwork.CreateRequest(ctx, c.env, d.db, c.ch, c.actor, fieldwork.NewRequest{Engagement: e.ID, Control: control, Text: text, Items: strings.Split(items, ","), Due: due, Seal: sl})
		}, func(r *attest.Request) error {
			m.printf("Created request %d for %s.\n", r.ID, r.ControlID)
			return nil
		}),
	}
	create.Flags().StringVar(&control, "control", "", "the control")
	create.Flags().StringVar(&text, "text", "", "what is asked")
	create.Flags().StringVar(&items, "items", "", "the sample items it is for (comma-separated keys)")
	create.Flags().StringVar(&due, "due", "", "when it is due")
	return m.remote(create, always(func(ctx context.Context, c *remote.Client) (remote.Answer, error) {
		return c.CreateRequest(ctx, fieldwork.NewRequest{Control: control, Text: text, Items: strings.Split(items, ","), Due: due})
	}))
}

// requestFulfil is `attest request fulfil`.
func (m *Main) requestFulfil() *cobra.Command {
	var evidence string
	fulfil := &cobra.Command{
		Use:   "fulfil N --evidence ID[,ID]",
		Short: "Answer a request with evidence",
		Args:  cobra.ExactArgs(1),
		RunE: onNumber(numberOf("request"), func(id int64) runner {
			return writes(m, onRequest(id, func(ctx context.Context, d *data, r *attest.Request, e *attest.Engagement) (*attest.Request, error) {
				var ids []int64
				for _, s := range strings.Split(evidence, ",") {
					if s = strings.TrimSpace(s); s == "" {
						continue
					}
					ev, err := parseID(s)
					if err != nil {
						return nil, err
					}
					ids = append(ids, ev)
				}
				_, actor, err := m.fieldwork(ctx, d, e)
				if err != nil {
					return nil, err
				}
				return fieldwork.Answer(ctx, d.db, m.change(), actor, r, ids)
			}), func(saved *attest.Request) error {
				m.printf("Request %d is fulfilled; the auditor closes it after review.\n", saved.ID)
				return nil
			})
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
		// On the request's own engagement; signedAct signs the checkpoint.
		RunE: onNumber(numberOf("request"), func(id int64) runner {
			return reads(m, onRequest(id, func(ctx context.Context, d *data, r *attest.Request, e *attest.Engagement) (*attest.Request, error) {
				return signedAct(ctx, m, d, e, func(c auditorCall, sl fieldwork.Seal) (*attest.Request, error) {
					return fieldwork.CloseRequest(ctx, c.env, d.db, c.ch, c.actor, r, sl)
				})
			}), func(saved *attest.Request) error {
				m.printf("Closed request %d.\n", saved.ID)
				return nil
			})
		}),
	}
	return m.remote(closeCmd, func(args []string) (remoteCall, error) {
		id, err := requestNumber(args[0])
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, c *remote.Client) (remote.Answer, error) { return c.CloseRequest(ctx, id) }, nil
	})
}

// requestList is `attest request list`.
func (m *Main) requestList() *cobra.Command {
	var status string
	list := &cobra.Command{
		Use:   "list",
		Short: "The request list; overdue requests stand out",
		Args:  cobra.NoArgs,
		RunE: readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) ([]fieldwork.Listed, error) {
			return fieldwork.Requests(ctx, d.db, auth.Everything, e.ID, status, m.today().Format(attest.DateLayout))
		}, func(out []fieldwork.Listed) error {
			return rows(m.Stdout, "ID\tCONTROL\tSTATUS\tDUE\tITEMS\tEVIDENCE\tREQUEST", out, func(r fieldwork.Listed) []any {
				status := r.Status
				if r.Overdue {
					status = "OVERDUE"
				}
				ev := make([]string, len(r.Evidence))
				for i, x := range r.Evidence {
					ev[i] = strconv.FormatInt(x, 10)
				}
				return []any{r.ID, r.ControlID, status, dashStr(r.Due), shortList(r.Items, 3), dash(ev), r.Text}
			})
		}),
	}
	list.Flags().StringVar(&status, "status", "", "only requests that are open, overdue, fulfilled or closed (default: all)")
	return list
}

// onRequest is what a command does on request id, with the request and
// its engagement read.
func onRequest[T any](id int64, fn func(ctx context.Context, d *data, r *attest.Request, e *attest.Engagement) (T, error)) func(context.Context, *data, []string) (T, error) {
	return func(ctx context.Context, d *data, _ []string) (T, error) {
		var zero T
		r, err := fieldwork.OpenRequest(ctx, d.db, "", id)
		if err != nil {
			return zero, err
		}
		e, err := d.db.Engagement(ctx, r.EngagementID)
		if err != nil {
			return zero, err
		}
		return fn(ctx, d, r, e)
	}
}
