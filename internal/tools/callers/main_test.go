package main

import (
	"strings"
	"testing"
)

// TestDrawHasOneImplementation reads the module and finds the sample
// draw's one workflow called from the CLI and the web alike.
func TestDrawHasOneImplementation(t *testing.T) {
	table, err := build("../../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "| `fieldwork.Draw` |") {
			if !strings.Contains(line, "`(*Main).sampleDraw`") || !strings.Contains(line, "`(*Server).draw`") {
				t.Errorf("fieldwork.Draw's callers: %s", line)
			}
			return
		}
	}
	t.Errorf("no fieldwork.Draw in:\n%s", table)
}
