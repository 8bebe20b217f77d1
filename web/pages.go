package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
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
	"bytes":    humanSize,
	"contains": strings.Contains,
	"when":     when,
	"ids":      ids,
	"add":      func(a, b int) int { return a + b },
	"list":     func(s ...string) []string { return s },
}

// Layout is what the frame every page shares ("head" in layout.html)
// shows: each page's data embeds it beside its own fields. The signed-in
// pages' User, Nav and Switch are set by render.
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
}

func (l *Layout) layout() *Layout { return l }

// framed is a page's data: a struct that embeds Layout.
type framed interface{ layout() *Layout }

// page renders a page; templates escape everything they print. data is
// a struct embedding Layout (or, for pages not yet given their own type,
// a map).
func page(w io.Writer, name string, data any) {
	// Rendered into a buffer first: a template error is a 500 with its
	// cause logged, never half a page under a status already sent.
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		slog.Error("render page", "page", name, "err", err)
		if rw, ok := w.(http.ResponseWriter); ok {
			http.Error(rw, "The page could not be shown: the error is in the server's log.", http.StatusInternalServerError)
		}
		return
	}
	if rw, ok := w.(http.ResponseWriter); ok && rw.Header().Get("Content-Type") == "" {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.Write(b.Bytes())
}

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

// render renders a signed-in page with the navigation for the user's role;
// the page is built whole before anything is sent, so a template error is
// a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, u *attest.User, data any) error {
	return s.renderStatus(w, r, http.StatusOK, name, u, data)
}

// renderStatus is render with another status than 200.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, code int, name string, u *attest.User, data any) error {
	sw, err := s.switcherFor(r, u)
	if err != nil {
		return err
	}
	switch d := data.(type) {
	case framed:
		l := d.layout()
		l.User, l.Nav, l.Switch = u, s.nav(u, r.URL.Path), sw
	case map[string]any:
		d["User"], d["Nav"], d["Switch"] = u, s.nav(u, r.URL.Path), sw
	default:
		return fmt.Errorf("render %s: page data %T embeds no Layout", name, data)
	}
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
	return nil
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// head is what the layout shows around every signed-in page; each page's
// data type embeds it, so a page's data is typed (pages render it with
// renderPage).
type head struct {
	Title, Flash, MainClass, SignEngagement string
	User                                    *attest.User
	Nav                                     []navItem
	Switch                                  *switcher
}

func (h *head) pageHead() *head { return h }

// pageData is a page's typed data.
type pageData interface{ pageHead() *head }

// renderPage renders a signed-in page from its typed data, with the
// navigation for the user's role, into a buffer first (a template error
// is a clean 500). Pages of the organization as a whole carry no
// engagement switcher.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, code int, name string, u *attest.User, data pageData) error {
	h := data.pageHead()
	h.User, h.Nav = u, s.nav(u, r.URL.Path)
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
	return nil
}
