package accessreview

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/xuri/excelize/v2"
)

// exportHeader is the columns of the decisions' export, CSV and XLSX.
var exportHeader = []string{"campaign", "system", "seq", "account", "person", "name", "privileged", "roles", "entitlements", "flags",
	"reviewer", "decision", "reason", "decided_by", "decided_at", "ticket", "removed", "resolved_at"}

func exportRow(c *attest.Campaign, it attest.ReviewItem) []string {
	return []string{strconv.FormatInt(c.ID, 10), c.System, strconv.Itoa(it.Seq), it.Account, it.Person, it.Name, strconv.FormatBool(it.Privileged),
		strings.Join(it.Roles, "; "), strings.Join(it.Entitlements, "; "), strings.Join(it.Flags, "; "),
		it.Reviewer, it.Decision, it.Reason, it.DecidedBy, it.DecidedAt, it.Ticket, it.Removed, it.ResolvedAt}
}

// WriteCSV writes the campaign's items and decisions, privileged first.
// Cells that a spreadsheet would read as a formula are prefixed with a
// quote, so an exported account name cannot run in the reader's program.
func WriteCSV(w io.Writer, c *attest.Campaign, items []attest.ReviewItem) error {
	cw := csv.NewWriter(w)
	cw.Write(exportHeader)
	for _, it := range items {
		row := exportRow(c, it)
		for i, v := range row {
			row[i] = defuse(v)
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// WriteXLSX writes the same as WriteCSV as a workbook: a sheet of
// decisions and one of the listing's provenance. Cells are written as
// text, never as formulas.
func WriteXLSX(w io.Writer, c *attest.Campaign, items []attest.ReviewItem) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Decisions"
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(exportHeader)); err != nil {
		return err
	}
	for i, it := range items {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells(exportRow(c, it))); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet("Listing"); err != nil {
		return err
	}
	l := c.Listing
	for i, kv := range [][2]string{{"system", c.System}, {"source", l.Source}, {"file_sha256", l.File}, {"collection", fmt.Sprint(l.Collection)},
		{"extracted_at", l.ExtractedAt}, {"extracted_by", l.ExtractedBy}, {"completeness", l.Completeness}, {"roster", l.Roster},
		{"rows_sha256", l.Digest}, {"accounts", fmt.Sprint(c.Accounts)}, {"due", c.Due}, {"status", c.Status}, {"completed_at", c.CompletedAt}} {
		f.SetCellStr("Listing", fmt.Sprintf("A%d", i+1), kv[0])
		f.SetCellStr("Listing", fmt.Sprintf("B%d", i+1), kv[1])
	}
	return f.Write(w)
}

func cells(row []string) []any {
	out := make([]any, len(row))
	for i, v := range row {
		out[i] = excelize.Cell{Value: v}
	}
	return out
}

// Export is a campaign's accounts and decisions as the reader may read
// them (Read), to write in one format.
type Export struct {
	View *View
	// Format is csv or xlsx; MediaType and Name (access-review-N.FORMAT)
	// are the file's.
	Format, MediaType, Name string
	write                   func(io.Writer, *attest.Campaign, []attest.ReviewItem) error
}

// Render writes the export.
func (x *Export) Render(w io.Writer) error { return x.write(w, &x.View.Campaign, x.View.Items) }

// Exporting reads what actor may read of the campaign (Read) for an
// export in format: csv (the default, any case) or xlsx.
func Exporting(ctx context.Context, s ReadStore, actor *attest.User, sc Scope, campaign int64, format string, now time.Time) (*Export, error) {
	x := &Export{Format: strings.ToLower(strings.TrimSpace(format))}
	switch x.Format {
	case "", "csv":
		x.Format, x.MediaType, x.write = "csv", "text/csv; charset=utf-8", WriteCSV
	case "xlsx":
		x.MediaType, x.write = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", WriteXLSX
	default:
		return nil, attest.Errorf(attest.EINVALID, "format: %q is not csv or xlsx", format)
	}
	v, err := Read(ctx, s, actor, sc, campaign, now)
	if err != nil {
		return nil, err
	}
	x.View, x.Name = v, fmt.Sprintf("access-review-%d.%s", campaign, x.Format)
	return x, nil
}
