// Package attest holds Attest's domain vocabulary: report kinds, engagements,
// controls and the error type every layer shares. It does no I/O.
package attest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Error codes. One place (cmd/attest, later the web package) maps them to
// exit codes and HTTP statuses.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	EUNAVAILABLE  = "unavailable"
	ETOOMANY      = "too_many_requests"
)

// Error is a domain error: a code and a message safe to show a user. Hint,
// when set, tells the user what to do next.
type Error struct {
	Code    string
	Message string
	Hint    string
}

// HintForce is the hint of a refusal the caller may override by saying
// the date is right: a date more than a year from where it belongs. The
// adapters know such a refusal by this hint, not by its wording, and name
// their own way of saying so (the command line's --force, the API's
// force=yes).
const HintForce = "check the date; say so if it is right"

func (e *Error) Error() string {
	if e.Hint != "" {
		return e.Message + " (" + e.Hint + ")"
	}
	return e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the *Error's message and
// hint, or a generic text for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error: " + err.Error()
}

// Kind is the kind of SOC report.
type Kind string

// The three kinds of SOC report.
const (
	SOC1 Kind = "SOC 1"
	SOC2 Kind = "SOC 2"
	SOC3 Kind = "SOC 3"
)

// ParseKind accepts "SOC 1", "soc1", "SOC1", "soc-2" and the like.
func ParseKind(s string) (Kind, error) {
	n := strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch n {
	case "soc1":
		return SOC1, nil
	case "soc2":
		return SOC2, nil
	case "soc3":
		return SOC3, nil
	}
	return "", Errorf(EINVALID, "unknown report kind %q: want SOC 1, SOC 2 or SOC 3", s)
}

// ReportType is Type 1 (as of a date) or Type 2 (throughout a period).
type ReportType string

// The two report types. A SOC 3 has no type.
const (
	Type1 ReportType = "Type 1"
	Type2 ReportType = "Type 2"
)

// ParseReportType accepts "Type 1", "type1", "1", "Type 2", ...
func ParseReportType(s string) (ReportType, error) {
	n := strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch n {
	case "type1", "1", "t1":
		return Type1, nil
	case "type2", "2", "t2":
		return Type2, nil
	}
	return "", Errorf(EINVALID, "unknown report type %q: want Type 1 or Type 2", s)
}

// Trust Services categories.
const (
	Security            = "Security"
	Availability        = "Availability"
	ProcessingIntegrity = "Processing Integrity"
	Confidentiality     = "Confidentiality"
	Privacy             = "Privacy"
)

// Categories lists the Trust Services categories in their customary order.
var Categories = []string{Security, Availability, ProcessingIntegrity, Confidentiality, Privacy}

// ParseCategory accepts a category name in any case, with spaces, hyphens or
// underscores ("processing-integrity", "PI").
func ParseCategory(s string) (string, error) {
	n := strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch n {
	case "security", "cc", "common":
		return Security, nil
	case "availability", "a":
		return Availability, nil
	case "processingintegrity", "pi":
		return ProcessingIntegrity, nil
	case "confidentiality", "c":
		return Confidentiality, nil
	case "privacy", "p":
		return Privacy, nil
	}
	return "", Errorf(EINVALID, "unknown category %q: want one of %s", s, strings.Join(Categories, ", "))
}

// CategoryOf returns the Trust Services category a criterion ID belongs to.
func CategoryOf(criterionID string) string {
	switch {
	case strings.HasPrefix(criterionID, "CC"):
		return Security
	case strings.HasPrefix(criterionID, "PI"):
		return ProcessingIntegrity
	case strings.HasPrefix(criterionID, "A"):
		return Availability
	case strings.HasPrefix(criterionID, "C"):
		return Confidentiality
	case strings.HasPrefix(criterionID, "P"):
		return Privacy
	}
	return ""
}

// OrEmpty is l, or an empty list when l is nil: JSON answers print [] for
// a list with nothing in it, never null.
func OrEmpty[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// Count writes a number with its noun, singular for one and the plural
// given otherwise: "1 resource", "2 resources", "0 criteria". Every
// sentence Attest prints counts this way, never "resource(s)".
func Count[N int | int64](n N, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(int64(n), 10) + " " + many
}
