package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
	eng "github.com/attest-dev/attest/engagement"
)

// Pick picks the engagement a report of kind and typ (either may be
// empty: the engagement's own) is drafted from, with the kind and type
// it gives (Choose): the engagement named, or, with no kind asked for,
// the current one (engagement.Current), which must fit; else the current
// one when it fits, else the only one that fits.
func Pick(ctx context.Context, s eng.CurrentStore, named string, kind attest.Kind, typ attest.ReportType) (*attest.Engagement, attest.Kind, attest.ReportType, error) {
	// An engagement fits when Choose accepts it and, unless a SOC 3 is
	// asked for (it has no type), it is of the type asked for.
	fits := func(e *attest.Engagement) bool {
		_, _, err := Choose(e, kind, typ)
		return err == nil && (kind == attest.SOC3 || typ == "" || e.Type == typ)
	}
	pick := func(e *attest.Engagement) (*attest.Engagement, attest.Kind, attest.ReportType, error) {
		k, t, err := Choose(e, kind, typ)
		return e, k, t, err
	}
	if named != "" || kind == "" {
		e, err := eng.Current(ctx, s, named)
		if err != nil {
			return nil, "", "", err
		}
		if !fits(e) {
			return nil, "", "", attest.Errorf(attest.EINVALID, "engagement %s is %s: it cannot give a %s %s report", e.ID, e.Label(), kind, typ)
		}
		return pick(e)
	}
	if e, err := eng.Current(ctx, s, ""); err == nil && fits(e) {
		return pick(e)
	}
	all, err := s.Engagements(ctx)
	if err != nil {
		return nil, "", "", err
	}
	var match []attest.Engagement
	for _, e := range all {
		if fits(&e) {
			match = append(match, e)
		}
	}
	if len(match) != 1 {
		return nil, "", "", &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%d engagements can give a %s report", len(match), strings.TrimSpace(string(kind)+" "+string(typ))),
			Hint: "name the engagement to draft it from"}
	}
	return pick(&match[0])
}
