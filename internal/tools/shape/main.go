// Command shape measures the code's shape as issue 15 set it out: the
// non-test lines of the adapters (cmd/attest and web), the files over
// 800 lines and the functions over 100 lines whose comment does not say
// why they are long. Its test holds the module to the last two.
//
// Run from the module root:
//
//	go run ./internal/tools/shape
package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

const (
	maxFileLines = 800
	maxFuncLines = 100
)

// adapters are the packages that only parse, call and render.
var adapters = []string{"cmd/attest", "web"}

// report is what shape finds below a root.
type report struct {
	adapterLines map[string]int // non-test lines per adapter package
	longFiles    []string       // "path: N lines"
	longFuncs    []string       // "path:line name: N lines", not explained
	// cliImportsWeb are the CLI's files that import the web adapter: the
	// CLI reaches the server through package server only.
	cliImportsWeb []string
}

// webPackage is the web adapter's import path.
const webPackage = "github.com/attest-dev/attest/web"

func main() {
	r, err := measure(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "shape:", err)
		os.Exit(1)
	}
	total := 0
	for _, a := range adapters {
		fmt.Printf("%-12s %6d non-test lines\n", a, r.adapterLines[a])
		total += r.adapterLines[a]
	}
	fmt.Printf("%-12s %6d\n", "adapters", total)
	fmt.Printf("cmd/attest files importing web: %d\n", len(r.cliImportsWeb))
	fmt.Printf("files over %d lines: %d\n", maxFileLines, len(r.longFiles))
	for _, f := range r.longFiles {
		fmt.Println("  " + f)
	}
	fmt.Printf("functions over %d lines without a comment saying why: %d\n", maxFuncLines, len(r.longFuncs))
	for _, f := range r.longFuncs {
		fmt.Println("  " + f)
	}
}

// measure walks the Go files below root that are not tests, skipping
// testdata and hidden folders.
func measure(root string) (*report, error) {
	r := &report{adapterLines: map[string]int{}}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (n == "testdata" || strings.HasPrefix(n, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		n, err := countLines(p)
		if err != nil {
			return err
		}
		for _, a := range adapters {
			if filepath.ToSlash(filepath.Dir(rel)) == a {
				r.adapterLines[a] += n
			}
		}
		if n > maxFileLines {
			r.longFiles = append(r.longFiles, fmt.Sprintf("%s: %d lines", rel, n))
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if filepath.ToSlash(filepath.Dir(rel)) == "cmd/attest" && strings.Trim(imp.Path.Value, "`\"") == webPackage {
				r.cliImportsWeb = append(r.cliImportsWeb, rel)
			}
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			l := fset.Position(fn.Body.End()).Line - fset.Position(fn.Body.Pos()).Line - 1
			if l > maxFuncLines && !explained(fn.Doc) {
				r.longFuncs = append(r.longFuncs, fmt.Sprintf("%s:%d %s: %d lines", rel, fset.Position(fn.Pos()).Line, fn.Name.Name, l))
			}
		}
		return nil
	})
	return r, err
}

// explained is whether a function's comment says why it is long: it
// must use the word "long".
func explained(doc *ast.CommentGroup) bool {
	return doc != nil && strings.Contains(strings.ToLower(doc.Text()), "long")
}

func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}
