package main

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/attest-dev/attest/trust"
	"github.com/spf13/cobra"
)

func (m *Main) trustCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "trust",
		Short: "Documents the trust center shares besides the SOC reports",
		Long: `The trust center (attest serve, /trust/ORG) shares the issued SOC reports
(attest report issued add) and the other documents added here: a policy,
a penetration test summary, a certificate of insurance. Each is a PDF with
a title and an audience: public (anyone downloads it), or nda (on request,
after the requester confirms their address and accepts the NDA; every copy
is watermarked for them). Documents are kept byte for byte and never
replaced: a new version is a new document.`,
	}
	var file, title, audience string
	add := &cobra.Command{
		Use:   "add",
		Short: "Share a PDF in the trust center",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" || strings.TrimSpace(title) == "" {
				return attest.Errorf(attest.EINVALID, "give the document with --file and what it is with --title")
			}
			b, err := os.ReadFile(file)
			if err != nil {
				return attest.Errorf(attest.EINVALID, "--file: %v", fileerr.Reason(err))
			}
			in := trust.NewDocument{File: file, Title: title, Audience: audience, PDF: b}
			if err := in.Check(); err != nil {
				return asFlags(err, "title", "audience")
			}
			return writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (*attest.Document, error) {
				in.EngagementID = e.ID
				return trust.Add(ctx, d.db, d.blobs, m.change(), nil, in)
			}, func(doc *attest.Document) error {
				m.printf("Shared %q (%s, %d bytes) in the trust center: %s, document %d, ledger entry %d.\n", doc.Meta["title"], doc.Name, doc.Size,
					map[string]string{trust.AudiencePublic: "anyone may download it", trust.AudienceNDA: "on request, under the NDA"}[audience], doc.ID, doc.Entry)
				return nil
			})(cmd, args)
		},
	}
	add.Flags().StringVar(&file, "file", "", "the document (PDF)")
	add.Flags().StringVar(&title, "title", "", "what the trust center calls it, e.g. \"Information security policy\"")
	add.Flags().StringVar(&audience, "audience", "nda", "public, or nda (on request, under the NDA)")
	c.AddCommand(add, m.documentsList("List the documents shared besides the SOC reports", attest.DocShared))
	return c
}

// asFlags names the flags behind a workflow's invalid fields: a message
// that starts with one of fields (which are also the flags' names) is
// given the flag's dashes.
func asFlags(err error, fields ...string) error {
	var e *attest.Error
	if !errors.As(err, &e) || e.Code != attest.EINVALID {
		return err
	}
	for _, f := range fields {
		if strings.HasPrefix(e.Message, f+":") || strings.HasPrefix(e.Message, f+` "`) {
			out := *e
			out.Message = "--" + e.Message
			return &out
		}
	}
	return err
}
