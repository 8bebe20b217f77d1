package report

import (
	"strings"
)

// endSentence ends a sentence with a full stop unless it already ends in
// one: a legal name such as "Harbor Payroll, Inc." is not given a second.
func endSentence(s string) string {
	s = strings.TrimRight(s, " ")
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}
