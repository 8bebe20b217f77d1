package web

import (
	"embed"
	"html/template"
	"io"
	"net/http"
	"strings"
)

//go:embed assets
var assets embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{"contains": strings.Contains}).ParseFS(assets, "assets/*.html"))

// page renders a page; templates escape everything they print.
func page(w io.Writer, name string, data map[string]any) {
	if rw, ok := w.(http.ResponseWriter); ok && rw.Header().Get("Content-Type") == "" {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	pages.ExecuteTemplate(w, name, data)
}
