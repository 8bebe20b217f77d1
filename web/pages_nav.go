package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
)

// navItem is one link of the navigation bar.
type navItem struct {
	Label, Path string
	Current     bool
}

// navItems are the staff pages in the bar's order. A link shows only to
// the roles the route table lets open it, so the bar never offers a page
// that answers 403.
var navItems = []navItem{
	{Label: "Dashboard", Path: "/"},
	{Label: "Program", Path: "/program"},
	{Label: "Controls", Path: "/controls"},
	{Label: "Evidence", Path: "/evidence"},
	{Label: "Checks", Path: "/checks"},
	{Label: "Reports", Path: "/reports"},
	{Label: "Ledger", Path: "/ledger"},
	{Label: "Fieldwork", Path: "/fieldwork"},
	{Label: "Users", Path: "/admin/users"},
	{Label: "Tokens", Path: "/admin/tokens"},
	{Label: "Trust center", Path: "/admin/trust"},
}

// programItems are the compliance program's pages, in its sub-bar's
// order, shown by the same rule.
var programItems = []navItem{
	{Label: "Overview", Path: "/program"},
	{Label: "Policies", Path: "/program/policies"},
	{Label: "Access reviews", Path: "/program/reviews"},
	{Label: "People", Path: "/program/people"},
	{Label: "Checklists", Path: "/program/checklists"},
	{Label: "Acknowledgements", Path: "/program/acknowledgements"},
	{Label: "Training", Path: "/program/training"},
}

func (s *Server) nav(u *attest.User, current string) []navItem { return s.links(navItems, u, current) }

// links are the items u may open, the one current marked: the item whose
// path is current's or its longest prefix (so a sub-bar's overview, whose
// path begins every other item's, is marked only on its own page).
func (s *Server) links(items []navItem, u *attest.User, current string) []navItem {
	if u == nil {
		return nil
	}
	var out []navItem
	best := -1
	for _, it := range items {
		pattern := it.Path
		if pattern == "/" {
			pattern = "/{$}"
		}
		if !s.may(u, "GET", pattern) {
			continue
		}
		if current == it.Path || (it.Path != "/" && strings.HasPrefix(current, it.Path+"/")) {
			if best < 0 || len(it.Path) > len(out[best].Path) {
				best = len(out)
			}
		}
		out = append(out, it)
	}
	if best >= 0 {
		out[best].Current = true
	}
	return out
}

// may reports whether u's role may use the route method pattern, as the
// route table says.
func (s *Server) may(u *attest.User, method, pattern string) bool {
	for _, rt := range s.routes {
		if rt.Method == method && rt.Pattern == pattern {
			return len(rt.Roles) == 0 || (u != nil && slices.Contains(rt.Roles, u.Role))
		}
	}
	return false
}

func notFound(msg string) error { return &attest.Error{Code: attest.ENOTFOUND, Message: msg} }

func invalid(msg string) error { return &attest.Error{Code: attest.EINVALID, Message: msg} }

func forbidden(msg string) error { return &attest.Error{Code: attest.EFORBIDDEN, Message: msg} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
