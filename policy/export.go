package policy

import (
	"context"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
)

// Document is one version of a policy ready to share: its text with the
// facts a reader needs (status, version, owner, approvals, review).
type Document struct {
	Policy  attest.Policy        `json:"policy"`
	Version attest.PolicyVersion `json:"version"`
	// Owner and Approvals name people as they are now (approvals as
	// recorded: name and time).
	Owner     string               `json:"owner"`
	Approvals []attest.PolicyEvent `json:"approvals"`
	Published string               `json:"published,omitempty"`
}

// Facts are the lines printed above the text.
func (d *Document) Facts() [][2]string {
	state := "version " + fmt.Sprint(d.Version.Version)
	switch {
	case d.Policy.Published == d.Version.Version:
		state += ", published " + day(d.Published)
	case d.Version.Version == d.Policy.Version:
		state += ", " + d.Policy.Status + " (not published)"
	default:
		state += ", superseded (not in force)"
	}
	out := [][2]string{{"Status", state}, {"Owner", d.Owner + " (" + d.Policy.OwnerRole + ")"}, {"Review", ReviewWords(d.Policy.Review)}}
	var ap []string
	for _, a := range d.Approvals {
		ap = append(ap, a.Name+" on "+day(a.At))
	}
	if len(ap) > 0 {
		out = append(out, [2]string{"Approved by", strings.Join(ap, "; ")})
	}
	out = append(out, [2]string{"Supports", strings.Join(d.Policy.Criteria, ", ") + " (controls " + strings.Join(d.Policy.Controls, ", ") + ")"})
	return out
}

func day(stamp string) string {
	if len(stamp) >= 10 {
		return stamp[:10]
	}
	return stamp
}

// Markdown writes the document: the facts as a list, then the text.
func Markdown(w io.Writer, d *Document) error {
	var b strings.Builder
	for _, f := range d.Facts() {
		fmt.Fprintf(&b, "- **%s:** %s\n", f[0], f[1])
	}
	b.WriteString("\n")
	b.WriteString(d.Version.Body)
	_, err := io.WriteString(w, b.String())
	return err
}

// HTML writes the document as one self-contained page. The text's
// Markdown is the small part of it the templates use (headings,
// paragraphs, lists, tables, bold); everything is escaped.
func HTML(w io.Writer, d *Document) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title>\n<style>%s</style></head><body>\n<dl class=\"facts\">\n",
		html.EscapeString(d.Policy.Title), css)
	for _, f := range d.Facts() {
		fmt.Fprintf(&b, "<dt>%s</dt><dd>%s</dd>\n", html.EscapeString(f[0]), html.EscapeString(f[1]))
	}
	b.WriteString("</dl>\n")
	b.WriteString(markdownHTML(d.Version.Body))
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

const css = `body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:46em;margin:2em auto;line-height:1.45;color:#1d2330}` +
	`dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;border:1px solid #c9ced8;padding:.6em 1em;font-size:.9em}` +
	`dt{font-weight:bold}dd{margin:0}table{border-collapse:collapse}td,th{border:1px solid #c9ced8;padding:.25em .5em;text-align:left}`

var boldPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\*\*([^*]+)\*\*`) })

func inline(s string) string {
	return boldPattern().ReplaceAllString(html.EscapeString(s), "<strong>$1</strong>")
}

// markdownHTML converts the Markdown subset the templates use.
func markdownHTML(md string) string {
	var b strings.Builder
	var para []string
	list := ""
	inTable := false
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
		if list != "" {
			b.WriteString("</" + list + ">\n")
			list = ""
		}
		if inTable {
			b.WriteString("</table>\n")
			inTable = false
		}
	}
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "#"):
			flush()
			n := len(t) - len(strings.TrimLeft(t, "#"))
			if n > 6 {
				n = 6
			}
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", n, inline(strings.TrimSpace(t[n:])), n)
		case strings.HasPrefix(t, "|"):
			cells := strings.Split(strings.Trim(t, "|"), "|")
			if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
				continue // the header's separator row
			}
			if !inTable {
				flush()
				b.WriteString("<table>\n")
				inTable = true
			}
			b.WriteString("<tr>")
			for _, c := range cells {
				b.WriteString("<td>" + inline(strings.TrimSpace(c)) + "</td>")
			}
			b.WriteString("</tr>\n")
		case strings.HasPrefix(t, "- ") || orderedItem(t) > 0:
			kind, text := "ul", strings.TrimPrefix(t, "- ")
			if n := orderedItem(t); n > 0 {
				kind, text = "ol", t[n:]
			}
			if list != kind {
				flush()
				b.WriteString("<" + kind + ">\n")
				list = kind
			}
			b.WriteString("<li>" + inline(strings.TrimSpace(text)) + "</li>\n")
		default:
			if list != "" || inTable {
				flush()
			}
			para = append(para, t)
		}
	}
	flush()
	return b.String()
}

// orderedItem is the length of an ordered list marker ("12. "), or 0.
func orderedItem(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(s) && s[i] == '.' && s[i+1] == ' ' {
		return i + 2
	}
	return 0
}

// Export reads one version of a policy as a Document: the published one
// when n is -1, the current one when n is 0.
func Export(ctx context.Context, s Store, id string, n int) (*Document, error) {
	p, v, err := Text(ctx, s, id, n)
	if err != nil {
		return nil, err
	}
	d := &Document{Policy: *p, Version: *v, Owner: "not named", Approvals: []attest.PolicyEvent{}}
	if p.Owner != 0 {
		u, err := s.User(ctx, p.Owner)
		if err != nil {
			return nil, err
		}
		d.Owner = u.Name
	}
	es, err := s.PolicyEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		switch {
		case e.Version != v.Version:
		case e.Action == attest.PolicySubmitted:
			d.Approvals = d.Approvals[:0]
		case e.Action == attest.PolicyApproval:
			d.Approvals = append(d.Approvals, e)
		case e.Action == attest.PolicyPublish:
			d.Published = e.At
		}
	}
	return d, nil
}

// BodyHTML is the version's text as HTML (the Markdown subset the
// templates use; everything escaped), for pages that frame it themselves.
func (d *Document) BodyHTML() string { return markdownHTML(d.Version.Body) }
