package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
)

//go:embed assets
var assets embed.FS

// pageTemplate is parsed on the first render, so that commands that build
// no report do not pay for it at start.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report.html").Funcs(template.FuncMap{
		"rows": func(t *Table) []row {
			out := make([]row, len(t.Rows))
			for i, r := range t.Rows {
				out[i] = row{Cells: r, Marked: i < len(t.Marked) && t.Marked[i]}
			}
			return out
		},
	}).ParseFS(assets, "assets/report.html"))
})

type row struct {
	Cells  []string
	Marked bool
}

// TOCEntry is a line of the table of contents.
type TOCEntry struct {
	ID    string
	Title string
	Sub   bool
	Page  string
}

// TOC lists the sections and their headed blocks, in order.
func (d *Document) TOC() []TOCEntry {
	var out []TOCEntry
	for _, s := range d.Sections {
		t := s.Title
		if s.Number != "" {
			t = s.Number + ": " + s.Title
		}
		out = append(out, TOCEntry{ID: s.ID, Title: t})
		if s.ID == "section-4" {
			continue // one line per criterion would drown the contents
		}
		for _, b := range s.Blocks {
			if b.ID != "" && b.Heading != "" {
				out = append(out, TOCEntry{ID: b.ID, Title: b.Heading, Sub: true})
			}
		}
	}
	return out
}

// HTML writes the document as one self-contained HTML page with print
// styles. pages, when given, fills the table of contents' page numbers
// (section or block ID to page).
func HTML(w io.Writer, d *Document, pages map[string]int) error {
	toc := d.TOC()
	for i := range toc {
		if p, ok := pages[toc[i].ID]; ok {
			toc[i].Page = fmt.Sprint(p)
		}
	}
	return pageTemplate().Execute(w, map[string]any{"Doc": d, "TOC": toc, "Notice": DraftNotice})
}

// Markdown writes the document as Markdown.
func Markdown(w io.Writer, d *Document) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "> **%s**\n\n# %s\n\n%s\n\n", DraftNotice, d.Title, d.Subtitle)
	for _, f := range d.Facts {
		fmt.Fprintf(&b, "- **%s:** %s\n", f[0], mdEscape(f[1]))
	}
	fmt.Fprintf(&b, "- **Prepared:** %s\n\n## Contents\n\n", d.Prepared)
	for _, t := range d.TOC() {
		indent := ""
		if t.Sub {
			indent = "  "
		}
		fmt.Fprintf(&b, "%s- [%s](#%s)\n", indent, mdEscape(t.Title), t.ID)
	}
	for _, s := range d.Sections {
		title := s.Title
		if s.Number != "" {
			title = s.Number + ": " + s.Title
		}
		fmt.Fprintf(&b, "\n---\n\n> %s\n\n<a id=\"%s\"></a>\n## %s\n\n", DraftNotice, s.ID, mdEscape(title))
		if s.Note != "" {
			fmt.Fprintf(&b, "> %s\n\n", mdEscape(s.Note))
		}
		for _, bl := range s.Blocks {
			if bl.Heading != "" {
				if bl.ID != "" {
					fmt.Fprintf(&b, "<a id=\"%s\"></a>\n", bl.ID)
				}
				fmt.Fprintf(&b, "### %s\n\n", mdEscape(bl.Heading))
			}
			for _, p := range bl.Paras {
				fmt.Fprintf(&b, "%s\n\n", mdEscape(p))
			}
			for _, l := range bl.List {
				fmt.Fprintf(&b, "- %s\n", mdEscape(l))
			}
			if len(bl.List) > 0 {
				b.WriteString("\n")
			}
			if bl.Note != "" {
				fmt.Fprintf(&b, "> %s\n\n", mdEscape(bl.Note))
			}
			if t := bl.Table; t != nil {
				fmt.Fprintf(&b, "| %s |\n|%s\n", strings.Join(mdCells(t.Head), " | "), strings.Repeat("---|", len(t.Head)))
				for _, r := range t.Rows {
					fmt.Fprintf(&b, "| %s |\n", strings.Join(mdCells(r), " | "))
				}
				b.WriteString("\n")
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

var mdReplacer = strings.NewReplacer("|", `\|`, "\n", "<br>", "<", "&lt;", ">", "&gt;")

func mdEscape(s string) string { return mdReplacer.Replace(s) }

func mdCells(l []string) []string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = mdEscape(c)
	}
	return out
}
