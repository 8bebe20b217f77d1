package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/units"
	"github.com/attest-dev/attest/period"
)

//go:embed assets
var assets embed.FS

// pages are the page templates. They are parsed on the first page served,
// not when the program starts: every command links this package, and only
// the server renders pages.
var pages lazyTemplates

// lazyTemplates parses the embedded page templates once, on first use.
type lazyTemplates struct {
	once sync.Once
	t    *template.Template
}

// ExecuteTemplate applies the named page template to data.
func (l *lazyTemplates) ExecuteTemplate(w io.Writer, name string, data any) error {
	l.once.Do(func() {
		l.t = template.Must(template.New("").Funcs(funcs).ParseFS(assets, "assets/*.html"))
	})
	return l.t.ExecuteTemplate(w, name, data)
}

var funcs = template.FuncMap{
	"static":   staticURL,
	"pct":      func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"join":     func(l []string) string { return strings.Join(l, ", ") },
	"bytes":    units.Bytes,
	"contains": strings.Contains,
	"when":     when,
	"ids":      ids,
	"add":      func(a, b int) int { return a + b },
	"list":     func(s ...string) []string { return s },
	// count is "1 day", "2 days" (attest.Count).
	"count": attest.Count[int],
	// calendar is a control's row on the dashboard's coverage calendar.
	"calendar": period.Weeks,
}

// Layout is what the frame every page shares ("head" in layout.html)
// shows: each page's data embeds it beside its own fields. The signed-in
// pages' User, Nav, Switch and Flash are set by render.
type Layout struct {
	Title string
	User  *attest.User
	Nav   []navItem
	// Switch is the engagement switcher; SignEngagement, when set, loads
	// the signing script for an auditor's acts on that engagement.
	Switch         *switcher
	SignEngagement string
	MainClass      string
	Flash          string
	// OrgWide marks a page of the organization as a whole (the
	// compliance program's): it carries no engagement switcher, and
	// ProgramNav, the program's pages the reader may open.
	OrgWide    bool
	ProgramNav []navItem
	// Scoped: the reader reads only what bears on the engagements they
	// audit (auth.Scope), so an empty list says so.
	Scoped bool
}

func (l *Layout) layout() *Layout { return l }

// framed is a page's data: a struct that embeds Layout.
type framed interface{ layout() *Layout }

// staticFiles maps each file served under /static/ to its bytes and a
// short hash of them; pages link to name?v=hash, so a changed file gets a
// new address and the old one can be cached for a year. It is built on first
// use, like the templates.
var staticFiles = sync.OnceValue(func() map[string]staticFile {
	out := map[string]staticFile{}
	add := func(name, file string) {
		b, err := assets.ReadFile(file)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		out[name] = staticFile{b, hex.EncodeToString(sum[:6])}
	}
	add("attest.css", "assets/attest.css")
	entries, _ := fs.ReadDir(assets, "assets/static")
	for _, e := range entries {
		if e.Name() != "README" {
			add(e.Name(), "assets/static/"+e.Name())
		}
	}
	return out
})

type staticFile struct {
	b    []byte
	hash string
}

func staticURL(name string) string {
	f, ok := staticFiles()[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return "/static/" + name + "?v=" + f.hash
}

// static serves the style sheet and scripts: for a year when the address
// names the current version, else for a few minutes.
func (s *Server) static(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	name := r.PathValue("name")
	f, ok := staticFiles()[name]
	if !ok {
		return notFound("no such file: " + name)
	}
	ct := "application/octet-stream"
	switch path.Ext(name) {
	case ".css":
		ct = "text/css; charset=utf-8"
	case ".js":
		ct = "text/javascript; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	if r.URL.Query().Get("v") == f.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Header().Set("ETag", `"`+f.hash+`"`)
	if r.Header.Get("If-None-Match") == `"`+f.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Write(f.b)
	return nil
}

// render renders a signed-in page (renderStatus) with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, u *attest.User, data framed) error {
	return s.renderStatus(w, r, http.StatusOK, name, u, data)
}

// renderStatus renders a signed-in page from its typed data with code:
// the navigation for the user's role, the engagement switcher (unless
// the page is OrgWide), and the message a write left for the next page.
// The page is built whole before anything is sent, so a template error
// is a clean 500, not half a page.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, code int, name string, u *attest.User, data framed) error {
	l := data.layout()
	if !l.OrgWide {
		sw, err := s.switcherFor(r, u)
		if err != nil {
			return err
		}
		l.Switch = sw
	}
	l.User, l.Nav, l.Scoped = u, s.nav(u, r.URL.Path), !scope(r.Context()).All()
	if l.OrgWide {
		l.ProgramNav = s.links(programItems, u, r.URL.Path)
	}
	if l.Flash == "" {
		l.Flash = s.sessions.PopString(r.Context(), "flash")
	}
	return writePage(w, code, name, data)
}
