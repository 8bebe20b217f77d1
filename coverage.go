package attest

import (
	"sort"
	"time"
)

// NextDay is the day after d (YYYY-MM-DD), or d itself when it is no date.
func NextDay(d string) string {
	t, err := time.Parse(DateLayout, d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, 1).Format(DateLayout)
}

// Untested is the first part of start..end that the spans (from, to, as
// tests cover parts of a period; an empty end means start or end) leave
// uncovered, spans that meet or overlap chained from start; "", "" when
// they reach end.
func Untested(start, end string, spans [][2]string) (from, to string) {
	norm := make([][2]string, 0, len(spans))
	for _, s := range spans {
		if s[0] == "" {
			s[0] = start
		}
		if s[1] == "" {
			s[1] = end
		}
		norm = append(norm, s)
	}
	sort.Slice(norm, func(i, j int) bool { return norm[i][0] < norm[j][0] })
	reach := ""
	for _, s := range norm {
		next := start
		if reach != "" {
			next = NextDay(reach)
		}
		if s[0] <= next && s[1] > reach {
			reach = s[1]
		}
	}
	if reach >= end {
		return "", ""
	}
	if reach == "" {
		return start, end
	}
	return NextDay(reach), end
}
