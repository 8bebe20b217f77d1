package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"
)

// Formatting helpers the page templates call: times and lists of IDs.

// stampLayouts are the forms stored times come in: RFC 3339 with or
// without fractions of a second.
var stampLayouts = []string{time.RFC3339Nano, time.RFC3339}

// when shows a stored time to the minute. The server writes the UTC time
// (readable without scripts) in a <time> element whose datetime and title
// hold the exact instant; local-time.js rewrites the text in the viewer's
// time zone and locale. A value that is not a time (a date alone, empty)
// is printed as it is.
func when(v any) template.HTML {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	case string:
		var err error
		for _, l := range stampLayouts {
			if t, err = time.Parse(l, strings.TrimSpace(x)); err == nil {
				break
			}
		}
		if err != nil {
			return template.HTML(template.HTMLEscapeString(x))
		}
	default:
		return template.HTML(template.HTMLEscapeString(fmt.Sprint(v)))
	}
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	iso := t.Format(time.RFC3339)
	return template.HTML(`<time datetime="` + iso + `" title="` + iso + `">` + t.Format("2006-01-02 15:04") + ` UTC</time>`)
}

// idsShown is how many IDs a collapsed list shows before "and N more".
const idsShown = 3

// ids shows a list of IDs (controls, criteria, sample items): up to five
// in a line; a longer list collapses to its first few and "and N more",
// a disclosure that opens on the whole list.
func ids(l []string) template.HTML {
	esc := func(l []string) string {
		out := make([]string, len(l))
		for i, s := range l {
			out[i] = template.HTMLEscapeString(s)
		}
		return strings.Join(out, ", ")
	}
	if len(l) <= idsShown+2 {
		return template.HTML(esc(l))
	}
	return template.HTML(`<details class="ids"><summary>` + esc(l[:idsShown]) + ` and ` + strconv.Itoa(len(l)-idsShown) +
		` more</summary><span class="all">` + esc(l) + `</span></details>`)
}
