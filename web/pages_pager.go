package web

import (
	"net/url"
	"strconv"
)

// rowsShown is how many rows a long table shows on one page.
const rowsShown = 200

// pager is where a page of a long table stands: rows From to To of
// Total, with links to the pages before and after (the request's own
// query, its page changed). A page holds rowsShown rows; the JSON twin
// always answers every row.
type pager struct {
	From, To, Total int
	Prev, Next      string
}

// paged cuts the rows the query's page asks for (page=N, from 1; a page
// past the end shows the last) out of rows, and says where they stand.
func paged[T any](rows []T, q url.Values) ([]T, pager) {
	pages := max(1, (len(rows)+rowsShown-1)/rowsShown)
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n < 1 {
		n = 1
	}
	n = min(n, pages)
	lo, hi := (n-1)*rowsShown, min(n*rowsShown, len(rows))
	p := pager{From: lo + 1, To: hi, Total: len(rows)}
	if len(rows) == 0 {
		p.From = 0
	}
	link := func(page int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(page))
		return "?" + v.Encode()
	}
	if n > 1 {
		p.Prev = link(n - 1)
	}
	if n < pages {
		p.Next = link(n + 1)
	}
	return rows[lo:hi], p
}
