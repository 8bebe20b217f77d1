package attest

import "strings"

// LineProblem says what keeps s from being one line of text shown to
// people (a name, a company, a signature, a title): a control character
// (a line break, a tab, a NUL, an escape) or a character that reorders
// the text around it when shown (the bidirectional overrides and
// isolates, which can make a name read as another); "" when there is
// none. Text of several lines (a note, a comment) is not held to it.
func LineProblem(s string) string {
	for _, r := range s {
		switch {
		case control(r):
			return "holds a control character (a line break, a tab, a NUL); give it on one line"
		case reorders(r):
			return "holds a character that reorders the text around it when shown"
		}
	}
	return ""
}

// Shown is s fit to quote in a message, whatever it holds: bytes that
// are not UTF-8 and the characters LineProblem refuses become "?".
func Shown(s string) string {
	return strings.Map(func(r rune) rune {
		if control(r) || reorders(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

func control(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

func reorders(r rune) bool { return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 }

// CheckLine is LineProblem as an EINVALID error naming field, nil when s
// is one plain line.
func CheckLine(field, s string) error {
	if p := LineProblem(s); p != "" {
		return &Error{Code: EINVALID, Message: strings.TrimSpace(field + ": " + p)}
	}
	return nil
}
