package accessreview

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

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
