package policy

import (
	"fmt"
	"strings"
)

// Line is one line of a diff: Op is ' ' (in both), '-' (only in the
// older version) or '+' (only in the newer).
type Line struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// maxDiffLines bounds the table of the line diff (its cells grow with the
// product of the two lengths after the common ends are set aside).
const maxDiffLines = 4000

// Diff compares two texts line by line: a longest-common-subsequence diff
// of the lines between their common beginning and end. Texts whose
// differing middles are longer than maxDiffLines each are shown as one
// removal and one addition.
func Diff(a, b string) []Line {
	x, y := lines(a), lines(b)
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var out []Line
	for _, l := range x[:pre] {
		out = append(out, Line{" ", l})
	}
	out = append(out, middle(x[pre:len(x)-suf], y[pre:len(y)-suf])...)
	for _, l := range x[len(x)-suf:] {
		out = append(out, Line{" ", l})
	}
	return out
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func middle(x, y []string) []Line {
	var out []Line
	if len(x) > maxDiffLines || len(y) > maxDiffLines {
		for _, l := range x {
			out = append(out, Line{"-", l})
		}
		for _, l := range y {
			out = append(out, Line{"+", l})
		}
		return out
	}
	// lcs[i][j] is the length of the longest common subsequence of x[i:]
	// and y[j:].
	w := len(y) + 1
	lcs := make([]int32, (len(x)+1)*w)
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			out = append(out, Line{" ", x[i]})
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, Line{"-", x[i]})
			i++
		default:
			out = append(out, Line{"+", y[j]})
			j++
		}
	}
	for ; i < len(x); i++ {
		out = append(out, Line{"-", x[i]})
	}
	for ; j < len(y); j++ {
		out = append(out, Line{"+", y[j]})
	}
	return out
}

// Unified writes a diff in the unified format with context lines around
// each change, headed by the two versions' names.
func Unified(from, to string, d []Line, context int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", from, to)
	keep := make([]bool, len(d))
	for i, l := range d {
		if l.Op != " " {
			for k := max(0, i-context); k <= min(len(d)-1, i+context); k++ {
				keep[k] = true
			}
		}
	}
	for i := 0; i < len(d); {
		if !keep[i] {
			i++
			continue
		}
		j := i
		for j < len(d) && keep[j] {
			j++
		}
		oldStart, newStart := 1, 1
		for _, l := range d[:i] {
			if l.Op != "+" {
				oldStart++
			}
			if l.Op != "-" {
				newStart++
			}
		}
		oldN, newN := 0, 0
		for _, l := range d[i:j] {
			if l.Op != "+" {
				oldN++
			}
			if l.Op != "-" {
				newN++
			}
		}
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", oldStart, oldN, newStart, newN)
		for _, l := range d[i:j] {
			b.WriteString(l.Op + l.Text + "\n")
		}
		i = j
	}
	return b.String()
}
