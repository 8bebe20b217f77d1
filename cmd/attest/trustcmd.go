package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"

	"github.com/attest-dev/attest"
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
			ctx := cmd.Context()
			title = strings.TrimSpace(title)
			if file == "" || title == "" {
				return attest.Errorf(attest.EINVALID, "give the document with --file and what it is with --title")
			}
			if audience != "public" && audience != "nda" {
				return attest.Errorf(attest.EINVALID, "--audience %q: want public or nda", audience)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				return attest.Errorf(attest.EINVALID, "--file: %v", unwrapPathErr(err))
			}
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				return attest.Errorf(attest.EINVALID, "%s: not a PDF file; the trust center shares PDFs, so every restricted copy can carry its recipient's name", file)
			}
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			sum := sha256.Sum256(b)
			doc, err := m.storeDocument(ctx, d, attest.Document{EngagementID: e.ID, Kind: attest.DocShared, Name: filepath.Base(file), MediaType: "application/pdf",
				Meta: map[string]string{"title": title, "audience": audience, "sha256": hex.EncodeToString(sum[:])}}, b)
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(doc)
			}
			m.printf("Shared %q (%s, %d bytes) in the trust center: %s, document %d, ledger entry %d.\n", title, doc.Name, doc.Size,
				map[string]string{"public": "anyone may download it", "nda": "on request, under the NDA"}[audience], doc.ID, doc.Entry)
			return nil
		},
	}
	add.Flags().StringVar(&file, "file", "", "the document (PDF)")
	add.Flags().StringVar(&title, "title", "", "what the trust center calls it, e.g. \"Information security policy\"")
	add.Flags().StringVar(&audience, "audience", "nda", "public, or nda (on request, under the NDA)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the documents shared besides the SOC reports",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.listDocuments(cmd.Context(), attest.DocShared)
		},
	}
	c.AddCommand(add, list)
	return c
}
