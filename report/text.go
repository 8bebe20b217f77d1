package report

import (
	"fmt"
	"strings"
)

// count writes a number with its noun, singular for one: "1 deviation",
// "2 deviations", "0 criteria".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// endSentence ends a sentence with a full stop unless it already ends in
// one: a legal name such as "Harbor Payroll, Inc." is not given a second.
func endSentence(s string) string {
	s = strings.TrimRight(s, " ")
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}
