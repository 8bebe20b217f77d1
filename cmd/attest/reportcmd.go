package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/attest-dev/attest/report"
	"github.com/spf13/cobra"
)

func (m *Main) reportCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "report",
		Short: "Draft the SOC report and management's letters; keep the issued report",
		Long: `Attest drafts management's parts of a SOC report from the data it holds:
Section 2 (management's assertion), Section 3 (the system description, from
attest description), Section 4 (the controls; for a Type 2 the service
auditor's tests and results, only as the engagement's auditors recorded them)
and Section 5 (management's responses). Section 1 is a placeholder for the
service auditor's report, which only the CPA firm writes. Every page of
every render says DRAFT. Every render is kept in the ledger with its hash.

The issued report (the CPA firm's final file) is kept byte for byte with
attest report issued add; it is the only report the trust center shares.`,
	}
	c.AddCommand(m.reportBuild(), m.reportLint(), m.reportBridge(), m.reportRepresentation(), m.reportSummary(), m.reportIssued(), m.reportList())
	return c
}

type reportFlags struct {
	kind, typ, formats, out string
	byProcess               bool
}

func (f *reportFlags) bind(c *cobra.Command, output bool) {
	c.Flags().StringVar(&f.kind, "kind", "", `"SOC 1", "SOC 2" or "SOC 3" (default: the engagement's kind)`)
	c.Flags().StringVar(&f.typ, "type", "", `"Type 1" or "Type 2" (default: the engagement's type; none for SOC 3)`)
	c.Flags().BoolVar(&f.byProcess, "by-process", false, "lay Section 4 out by process with a criteria mapping table (default: by criterion or objective)")
	if output {
		c.Flags().StringVar(&f.formats, "format", report.DefaultFormats, "comma-separated: html, pdf, md")
		c.Flags().StringVar(&f.out, "out", "reports", "folder to write the files to")
	}
}

// request reads the flags as the web and the report-build job read what
// they are sent (report.Asked), with the flags' names on its refusals,
// and picks the engagement the report is drawn from (report.Pick):
// --engagement, else the current one when it fits, else the only one
// that fits. Its Rendering writes each file into --out and prints PDF
// with Chromium, showing progress.
func (m *Main) request(ctx context.Context, d *data, f reportFlags) (report.DraftRequest, error) {
	req, err := report.Asked{Kind: f.kind, Type: f.typ, Formats: []string{f.formats}}.Request()
	if err != nil {
		return req, flagged(flagged(flagged(err, "kind:", "--kind:"), "type:", "--type:"), "formats:", "--format:")
	}
	if m.cfg.engagement == "" && req.Kind == "" {
		// The hints of an engagement not chosen.
		if _, err := m.engagement(ctx, d.db); err != nil {
			return req, err
		}
	}
	req.Engagement, req.Kind, req.Type, err = report.Pick(ctx, d.db, m.cfg.engagement, req.Kind, req.Type)
	var ae *attest.Error
	if errors.As(err, &ae) && strings.Contains(ae.Message, "engagements can give") {
		ae.Hint = "name one with --engagement ID (attest engagement list)"
	}
	if err != nil {
		return req, err
	}
	if f.out != "" {
		if err := outputDir("--out", f.out, false); err != nil {
			return req, err
		}
	}
	req.ByProcess, req.Now, req.Folder = f.byProcess, m.Now(), f.out
	req.Print = m.pdfPrinter()
	return req, nil
}

// pdfPrinter prints PDF with Chromium, showing progress on a terminal.
func (m *Main) pdfPrinter() func(context.Context, *report.Document) ([]byte, map[string]int, error) {
	return report.PDFPrinter(m.Getenv, func(title string) { m.progress("printing %s to PDF", title) })
}

type rendered struct {
	Format   string `json:"format"`
	Path     string `json:"path"`
	SHA256   string `json:"sha256"`
	Document int64  `json:"document"`
	Entry    int64  `json:"ledger_entry"`
}

// render writes a document in the asked formats to the output folder and
// keeps each file (report.Render); without Chromium, PDF fails after the
// others are written.
func (m *Main) render(ctx context.Context, d *data, e *attest.Engagement, r report.Rendering, doc *report.Document, slug string) ([]rendered, map[string]int, error) {
	pages, kept, err := report.Render(ctx, d.db, d.blobs, m.change(), e.ID, doc, slug, r)
	return written(r.Folder, kept), pages, signKept(ctx, d, kept, err)
}

// signKept signs a checkpoint over the documents a render kept, even when
// a later format failed: what was kept stays kept.
func signKept(ctx context.Context, d *data, kept []attest.Document, err error) error {
	if len(kept) > 0 {
		if _, cerr := d.checkpoint(ctx); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// written is what a render wrote into the folder out: the files of the
// documents it kept.
func written(out string, kept []attest.Document) []rendered {
	files := []rendered{}
	for _, d := range kept {
		files = append(files, rendered{d.Meta["format"], filepath.Join(out, d.Name), d.Meta["sha256"], d.ID, d.Entry})
	}
	return files
}

func (m *Main) reportBuild() *cobra.Command {
	var f reportFlags
	c := &cobra.Command{
		Use:   "build",
		Short: "Draft the SOC 1, SOC 2 or SOC 3 report (HTML, PDF, Markdown), marked DRAFT on every page",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return m.withData(ctx, func(d *data) error {
				b, rerr := m.buildReport(ctx, d, f)
				if b == nil {
					return rerr
				}
				in := b.in
				v := reportBuilt{attest.OrEmpty(b.gaps), in.Engagement.ID, attest.OrEmpty(b.files), in.Kind, b.doc.Lint, b.pages, in.Type}
				return partly(m, v, func(v reportBuilt) error {
					m.printWritten(v.Files)
					m.printLint(v.Lint, v.Gaps)
					return nil
				}, rerr)
			})
		},
	}
	f.bind(c, true)
	return c
}

// reportBuilt is what report build prints (JSON keys in alphabetical
// order, as they have always been printed).
type reportBuilt struct {
	Gaps       []report.Gap      `json:"description_gaps"`
	Engagement string            `json:"engagement"`
	Files      []rendered        `json:"files"`
	Kind       attest.Kind       `json:"kind"`
	Lint       []report.Finding  `json:"lint"`
	Pages      map[string]int    `json:"pages"`
	Type       attest.ReportType `json:"type"`
}

// printWritten says which files a render wrote.
func (m *Main) printWritten(files []rendered) {
	for _, r := range files {
		m.printf("Wrote %s (%s, document %d).\n", r.Path, r.SHA256[:12], r.Document)
	}
}

// built is a report build's outcome.
type built struct {
	in    *report.Input
	doc   *report.Document
	files []rendered
	pages map[string]int
	gaps  []report.Gap
}

// buildReport drafts the report (report.Draft) and writes its files, for
// attest report build (the report-build job calls report.Draft itself,
// in server). A render error (no Chromium for the PDF) comes back beside
// what was built.
func (m *Main) buildReport(ctx context.Context, d *data, f reportFlags) (*built, error) {
	req, err := m.request(ctx, d, f)
	if err != nil {
		return nil, err
	}
	dr, err := report.Draft(ctx, d.db, d.blobs, m.change(), nil, req)
	if dr == nil {
		return nil, err
	}
	return &built{dr.Input, dr.Doc, written(f.out, dr.Kept), dr.Pages, dr.Gaps}, signKept(ctx, d, dr.Kept, err)
}

func (m *Main) printLint(lint []report.Finding, gaps []report.Gap) {
	if len(lint) > 0 {
		m.printf("Text review: %s to fix before the draft goes to the service auditor:\n", attest.Count(len(lint), "finding", "findings"))
		for i, l := range lint {
			if i == 20 && !m.Interactive {
				m.printf("  ... and %d more (attest report lint --json lists them all)\n", len(lint)-20)
				break
			}
			m.printf("  %s\n", l)
		}
	}
	if len(gaps) > 0 {
		m.printf("Description inputs: %s (attest description check):\n", attest.Count(len(gaps), "gap", "gaps"))
		for _, g := range gaps {
			m.printf("  %s: %s\n", g.Part, g.Detail)
		}
	}
}

func (m *Main) reportLint() *cobra.Command {
	var f reportFlags
	c := &cobra.Command{
		Use:   "lint",
		Short: "Review the draft's text: unverifiable claims, certification wording, controls named that are not in place; exits 1 on findings",
		Args:  cobra.NoArgs,
		RunE: finds(m, func(ctx context.Context, d *data, _ []string) (linted, error) {
			req, err := m.request(ctx, d, f)
			if err != nil {
				return linted{}, err
			}
			_, doc, err := report.Prepare(ctx, d.db, d.blobs, req)
			if err != nil {
				return linted{}, err
			}
			return linted{req.Engagement.ID, doc.Lint}, nil
		}, func(v linted) error {
			m.printLint(v.Findings, nil)
			if len(v.Findings) == 0 {
				m.printf("No findings.\n")
			}
			return nil
		}, func(v linted) bool { return len(v.Findings) > 0 }),
	}
	f.bind(c, false)
	return c
}

// linted is what report lint prints.
type linted struct {
	Engagement string           `json:"engagement"`
	Findings   []report.Finding `json:"findings"`
}

// draftLetter opens the data, finds the engagement and its description
// inputs, drafts with fn, shows its warnings and renders the result.
func (m *Main) draftLetter(ctx context.Context, f reportFlags, slug string, fn func(*data, *attest.Engagement, *report.Description) (*report.Document, []string, error)) error {
	return m.withData(ctx, func(d *data) error {
		req, err := m.request(ctx, d, f)
		if err != nil {
			return err
		}
		e := req.Engagement
		desc, _, err := m.loadDescription(ctx, d, e)
		if err != nil {
			return err
		}
		doc, warnings, err := fn(d, e, desc)
		if err != nil {
			return err
		}
		for _, w := range warnings {
			m.warn(w)
		}
		return m.renderLetter(ctx, d, req, doc, report.Slug(e.ID, slug), warnings)
	})
}

func (m *Main) renderLetter(ctx context.Context, d *data, req report.DraftRequest, doc *report.Document, slug string, warnings []string) error {
	files, _, err := m.render(ctx, d, req.Engagement, req.Rendering, doc, slug)
	return partly(m, letterRendered{doc.Kind, req.Engagement.ID, attest.OrEmpty(files), attest.OrEmpty(warnings)}, func(v letterRendered) error {
		m.printWritten(v.Files)
		return nil
	}, err)
}

// letterRendered is what a draft letter's command prints (JSON keys in
// alphabetical order, as they have always been printed).
type letterRendered struct {
	Document   string     `json:"document"`
	Engagement string     `json:"engagement"`
	Files      []rendered `json:"files"`
	Warnings   []string   `json:"warnings"`
}

func (m *Main) reportRepresentation() *cobra.Command {
	var f reportFlags
	var signatories []string
	c := &cobra.Command{
		Use:   "representation-letter",
		Short: "Draft management's written representation letter to the service auditor",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var signers []report.Signer
			for _, s := range signatories {
				sg, err := report.ParseSignatory(s)
				if err != nil {
					return flagged(err, "signatory", "--signatory")
				}
				signers = append(signers, sg)
			}
			return m.draftLetter(cmd.Context(), f, "representation-letter", func(d *data, e *attest.Engagement, desc *report.Description) (*report.Document, []string, error) {
				doc, err := report.DraftRepresentation(cmd.Context(), d.db, d.blobs, e, desc, signers, m.Now())
				return doc, nil, err
			})
		},
	}
	f.bind(c, true)
	c.Flags().StringArrayVar(&signatories, "signatory", nil, `an officer who signs, as "Name, Title" (repeatable; default: the description's signer and a chief financial officer to name)`)
	return c
}

func (m *Main) reportSummary() *cobra.Command {
	var f reportFlags
	c := &cobra.Command{
		Use:   "readiness-summary",
		Short: "Draft a short internal readiness summary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return m.draftLetter(ctx, f, "readiness-summary", func(d *data, e *attest.Engagement, desc *report.Description) (*report.Document, []string, error) {
				doc, err := report.DraftReadinessSummary(ctx, d.db, d.blobs, e, desc, m.Now())
				return doc, nil, err
			})
		},
	}
	f.bind(c, true)
	return c
}

func (m *Main) reportIssued() *cobra.Command {
	c := &cobra.Command{
		Use:   "issued",
		Short: "Keep the service auditor's final report, byte for byte (the only report the trust center shares)",
	}
	var file, kind, typ, period, firm, reportDate string
	var confirm bool
	add := &cobra.Command{
		Use:   "add",
		Short: "Store the CPA firm's final report file as issued",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := os.ReadFile(file)
			if err != nil {
				return attest.Errorf(attest.EINVALID, "--file: %v", fileerr.Reason(err))
			}
			return writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (*attest.Document, error) {
				doc, err := report.AddIssued(ctx, d.db, d.blobs, m.change(), nil, report.IssuedRequest{Engagement: e.ID, Kind: kind, Type: typ, Period: period, Firm: firm,
					ReportDate: reportDate, Name: file, Bytes: b, DistributionConfirmed: confirm})
				return doc, issuedHints(err)
			}, func(doc *attest.Document) error {
				m.printf("Kept %s as the issued %s report (%d bytes, sha256 %s), document %d, ledger entry %d.\n", doc.Name, strings.TrimSpace(doc.Meta["kind"]+" "+doc.Meta["type"]), doc.Size, doc.Meta["sha256"], doc.ID, doc.Entry)
				if !confirm {
					m.warn("the trust center will not share it until an admin confirms the engagement letter allows its distribution")
				}
				return nil
			})(cmd, args)
		},
	}
	add.Flags().StringVar(&file, "file", "", "the final report (PDF) as the CPA firm issued it")
	add.Flags().StringVar(&kind, "kind", "", `"SOC 1", "SOC 2" or "SOC 3"`)
	add.Flags().StringVar(&typ, "type", "", `"Type 1" or "Type 2" (none for SOC 3)`)
	add.Flags().StringVar(&period, "period", "", "the period (START..END) or date the report covers")
	add.Flags().StringVar(&firm, "firm", "", "the CPA firm that issued it")
	add.Flags().StringVar(&reportDate, "report-date", "", "the date of the service auditor's report (YYYY-MM-DD), named in bridge letters")
	add.Flags().BoolVar(&confirm, "confirm-distribution", false, "confirm the engagement letter allows sharing this report with its intended users")
	add.MarkFlagRequired("file")
	add.MarkFlagRequired("kind")
	c.AddCommand(add, m.documentsList("List issued reports on file", attest.DocIssued))
	return c
}

// issuedHints name the flags that answer a refused issued report.
func issuedHints(err error) error {
	err = flagged(err, "report date:", "--report-date:")
	err = hinted(err, attest.EINVALID, "type: a SOC 3 has no type", "leave out --type")
	err = hinted(err, attest.EINVALID, "period: ", "e.g. --period 2026-01-01..2026-12-31")
	return hinted(err, attest.EINVALID, "firm: ", "--firm")
}

func (m *Main) reportList() *cobra.Command {
	return m.documentsList("List the drafts rendered so far, with their hashes", attest.DocRender)
}

// documentsList is the list command of the engagement's documents of a
// kind: drafts rendered, issued reports, documents the trust center shares.
func (m *Main) documentsList(short, kind string) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: short,
		Args:  cobra.NoArgs,
		RunE:  m.documents(kind),
	}
}

// documents lists the engagement's documents of a kind.
func (m *Main) documents(kind string) runner {
	return readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) ([]attest.Document, error) {
		return report.ListDocuments(ctx, d.db, auth.Everything, e.ID, kind)
	}, func(docs []attest.Document) error {
		if len(docs) == 0 {
			m.printf("None yet.\n")
			return nil
		}
		header := "ID\tADDED\tFILE\tSHA-256\tBY"
		if kind == attest.DocIssued {
			header = "ID\tADDED\tREPORT\tPERIOD\tFIRM\tFILE\tSHA-256\tBY"
		}
		return rows(m.Stdout, header, docs, func(doc attest.Document) []any {
			at, _ := time.Parse(time.RFC3339Nano, doc.AddedAt)
			sum := doc.Meta["sha256"][:min(12, len(doc.Meta["sha256"]))]
			if kind == attest.DocIssued {
				report := strings.TrimSpace(doc.Meta["kind"] + " " + doc.Meta["type"])
				return []any{doc.ID, at.Format("2006-01-02 15:04"), dashStr(report), dashStr(doc.Meta["period"]), dashStr(doc.Meta["firm"]), doc.Name, sum, doc.AddedBy}
			}
			return []any{doc.ID, at.Format("2006-01-02 15:04"), doc.Name, sum, doc.AddedBy}
		})
	})
}
