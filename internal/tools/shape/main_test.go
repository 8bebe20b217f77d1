package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The module's files stay under 800 lines and its functions under 100,
// or say why (issue 15's shape).
func TestModuleShape(t *testing.T) {
	r, err := measure("../../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.longFiles {
		t.Errorf("file over %d lines: %s", maxFileLines, f)
	}
	for _, f := range r.longFuncs {
		t.Errorf("function over %d lines without a comment saying why it is long: %s", maxFuncLines, f)
	}
	for _, f := range r.cliImportsWeb {
		t.Errorf("%s imports web: the CLI reaches the server through package server", f)
	}
	if r.adapterLines["cmd/attest"] == 0 || r.adapterLines["web"] == 0 {
		t.Errorf("adapters not found: %v", r.adapterLines)
	}
}

// The measure itself: a long file and an unexplained long function are
// found, an explained one and a test file are not.
func TestMeasureFindsLongCode(t *testing.T) {
	dir := t.TempDir()
	body := func(n int) string {
		s := ""
		for range n {
			s += "\tx++\n"
		}
		return s
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.go", "package a\n\nfunc short() {\n\tx := 0\n\tx++\n}\n\nfunc long() {\n\tx := 0\n"+body(100)+"}\n\n// explained is long because it is one table.\nfunc explained() {\n\tx := 0\n"+body(100)+"}\n")
	write("b.go", "package a\n\n"+body(0)+func() string {
		s := ""
		for range 801 {
			s += "// line\n"
		}
		return s
	}())
	write("c_test.go", "package a\n\nfunc longTest() {\n\tx := 0\n"+body(200)+"}\n")
	r, err := measure(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.longFuncs) != 1 || r.longFuncs[0] != "a.go:8 long: 101 lines" {
		t.Errorf("long functions = %q, want only a.go's long (101 lines)", r.longFuncs)
	}
	if len(r.longFiles) != 1 || r.longFiles[0] != "b.go: 803 lines" {
		t.Errorf("long files = %q, want only b.go", r.longFiles)
	}
}
