package web

import (
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
)

var pathParam = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{([a-z]+)\}`) })

// openapi describes the API from the route table, so the document cannot
// drift from what the server does: public operations carry security: [].
func (s *Server) openapi(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		if !rt.API {
			continue
		}
		op := map[string]any{"summary": rt.Summary, "responses": map[string]any{
			"200": map[string]any{"description": "OK"},
			"401": map[string]any{"description": "not signed in"},
			"403": map[string]any{"description": "the role may not"},
		}}
		if len(rt.Roles) == 0 {
			op["security"] = []any{}
			op["responses"] = map[string]any{"200": map[string]any{"description": "OK"}, "503": map[string]any{"description": "not ready"}}
		} else {
			op["x-roles"] = rt.Roles
		}
		var params []any
		for _, m := range pathParam().FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		p := strings.TrimSuffix(rt.Pattern, "{$}")
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(rt.Method)] = op
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "Attest API", "version": "1"},
		"components": map[string]any{"securitySchemes": map[string]any{
			"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "attest_session"},
			"token":   map[string]any{"type": "http", "scheme": "bearer"},
		}},
		"security": []any{map[string]any{"session": []any{}}, map[string]any{"token": []any{}}},
		"paths":    paths,
	})
	return nil
}
