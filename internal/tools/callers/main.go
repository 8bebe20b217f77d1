// Command callers lists, for each workflow of the feature packages, the
// functions of the adapters that call it, as the Markdown table in
// docs/architecture.md ("Each workflow and its callers").
//
// A workflow here is an exported package-level function whose first
// parameter is a context.Context: the functions that read or write
// through the store. Calls are found syntactically (the package a name
// is imported as, then the function), which needs no type-checking of
// the module's dependencies; methods (check.Set.Execute) are not listed.
//
// Run from the module root:
//
//	go run ./internal/tools/callers              # print the table
//	go run ./internal/tools/callers -w docs/architecture.md
//
// -w replaces the lines between the markers <!-- callers:begin --> and
// <!-- callers:end --> in that file.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

const module = "github.com/attest-dev/attest"

// features are the packages whose workflows are listed.
var features = []string{"accessreview", "auth", "automation", "check", "dashboard", "deviation", "engagement", "evidence", "fieldwork", "gc", "integrity", "ledger", "people", "period", "policy", "population", "portal", "program", "readiness", "report", "trust", "witness", "workpapers"}

// adapters are the packages whose calls are counted, each a column; the
// last column gathers the calls from every other package of the module
// (a loader calling another package's, say), named with their package.
var adapters = []string{"cmd/attest", "web", "server", "internal/demo"}

const elsewhere = "other packages"

const begin, end = "<!-- callers:begin -->", "<!-- callers:end -->"

func main() {
	write := flag.String("w", "", "replace the table between the markers in this file")
	flag.Parse()
	table, err := build(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "callers:", err)
		os.Exit(1)
	}
	if *write == "" {
		io.WriteString(os.Stdout, table)
		return
	}
	if err := replace(*write, table); err != nil {
		fmt.Fprintln(os.Stderr, "callers:", err)
		os.Exit(1)
	}
}

// build reads the module at root and returns the table.
func build(root string) (string, error) {
	fset := token.NewFileSet()
	workflows := map[string][]string{} // package -> its workflows
	for _, p := range features {
		files, err := parseDir(fset, filepath.Join(root, p))
		if err != nil {
			return "", err
		}
		for _, f := range files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && isWorkflow(fd, f) {
					workflows[p] = append(workflows[p], fd.Name.Name)
				}
			}
		}
		sort.Strings(workflows[p])
	}
	// callers[package.Function][adapter] = the calling functions.
	callers := map[string]map[string][]string{}
	dirs, err := packageDirs(root)
	if err != nil {
		return "", err
	}
	for _, dir := range dirs {
		files, err := parseDir(fset, filepath.Join(root, dir))
		if err != nil {
			return "", err
		}
		column, prefix := dir, ""
		if !slices.Contains(adapters, dir) {
			column, prefix = elsewhere, dir+"."
		}
		for _, f := range files {
			for name, by := range calls(f, workflows) {
				if strings.HasPrefix(name, dir+".") {
					continue // the package's own
				}
				if callers[name] == nil {
					callers[name] = map[string][]string{}
				}
				for _, c := range by {
					if !slices.Contains(callers[name][column], prefix+c) {
						callers[name][column] = append(callers[name][column], prefix+c)
					}
				}
			}
		}
	}
	columns := append(slices.Clone(adapters), elsewhere)
	var b bytes.Buffer
	fmt.Fprintf(&b, "| workflow | %s |\n|---|%s\n", strings.Join(quoted(columns), " | "), strings.Repeat("---|", len(columns)))
	for _, p := range features {
		for _, fn := range workflows[p] {
			name := p + "." + fn
			var cells []string
			for _, a := range columns {
				by := callers[name][a]
				sort.Strings(by)
				cells = append(cells, strings.Join(quoted(by), ", "))
			}
			fmt.Fprintf(&b, "| `%s` | %s |\n", name, strings.Join(cells, " | "))
		}
	}
	return b.String(), nil
}

// packageDirs lists the module's folders that hold Go files, relative
// to root, leaving out test data and this tool.
func packageDirs(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && path != root && (name == "testdata" || strings.HasPrefix(name, ".") || filepath.ToSlash(path) == "internal/tools") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			dir, _ := filepath.Rel(root, filepath.Dir(path))
			if dir = filepath.ToSlash(dir); !slices.Contains(out, dir) {
				out = append(out, dir)
			}
		}
		return nil
	})
	return out, err
}

// parseDir parses a package's non-test Go files.
func parseDir(fset *token.FileSet, dir string) ([]*ast.File, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// isWorkflow says whether fd is an exported package-level function whose
// first parameter is a context.Context.
func isWorkflow(fd *ast.FuncDecl, f *ast.File) bool {
	if fd.Recv != nil || !fd.Name.IsExported() || fd.Type.Params == nil || len(fd.Type.Params.List) == 0 {
		return false
	}
	sel, ok := fd.Type.Params.List[0].Type.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Context" {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && imports(f)[x.Name] == "context"
}

// imports maps the names a file imports packages as to their paths.
func imports(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, s := range f.Imports {
		path := strings.Trim(s.Path.Value, `"`)
		name := path[strings.LastIndex(path, "/")+1:]
		if s.Name != nil {
			name = s.Name.Name
		}
		out[name] = path
	}
	return out
}

// calls finds the workflows f calls, each with the functions that call it
// ("(*Server).draw", "checkRunOnce").
func calls(f *ast.File, workflows map[string][]string) map[string][]string {
	names := map[string]string{} // the name a feature package is imported as -> the package
	for name, path := range imports(f) {
		if p, ok := strings.CutPrefix(path, module+"/"); ok && workflows[p] != nil {
			names[name] = p
		}
	}
	out := map[string][]string{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		caller := funcName(fd)
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			p, ok := names[x.Name]
			if !ok || !slices.Contains(workflows[p], sel.Sel.Name) {
				return true
			}
			name := p + "." + sel.Sel.Name
			if !slices.Contains(out[name], caller) {
				out[name] = append(out[name], caller)
			}
			return true
		})
	}
	return out
}

// funcName is a function's name, with its receiver's type for a method.
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := ""
	if s, ok := t.(*ast.StarExpr); ok {
		t, star = s.X, "*"
	}
	if g, ok := t.(*ast.IndexExpr); ok {
		t = g.X
	}
	id, _ := t.(*ast.Ident)
	if id == nil {
		return fd.Name.Name
	}
	if star != "" {
		return "(*" + id.Name + ")." + fd.Name.Name
	}
	return id.Name + "." + fd.Name.Name
}

func quoted(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = "`" + s + "`"
	}
	return out
}

// replace puts table between the markers in the file at path.
func replace(path, table string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %s ... %s markers", path, begin, end)
	}
	s = s[:i+len(begin)] + "\n" + table + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}
