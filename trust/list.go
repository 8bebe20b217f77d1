package trust

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
)

// Shared is a document the trust center lists: an issued report whose
// distribution the admin confirmed the engagement letter allows, or
// another document shared beside the reports.
type Shared struct {
	attest.Document
	Kind       attest.Kind
	Label      string
	Period     string
	Firm       string
	Categories []string
	Public     bool
	// Access says who may have it, as the public page reads.
	Access string
	// Other is a document that is not a SOC report (attest.DocShared);
	// NDA says whether it is shared only under the NDA.
	Other bool
	NDA   bool
}

// Audience is the rule for this document and a requester: a SOC report's
// by its kind; any requester for another document.
func (d *Shared) Audience(requester string) attest.Audience {
	if d.Other {
		return attest.Audience{Public: d.Public, Allowed: slices.Contains(attest.RequesterTypes, requester)}
	}
	return attest.AudienceFor(d.Kind, requester)
}

// List is what the trust center shares: the issued reports whose
// distribution was confirmed, then the other documents. It never holds a
// restricted report's content, only what the public page shows of it.
func List(ctx context.Context, s Catalog) ([]Shared, error) {
	docs, err := s.Documents(ctx, "", attest.DocIssued)
	if err != nil {
		return nil, err
	}
	ndaKinds := setting(ctx, s, SettingNDAKinds, DefaultNDAKinds)
	engs := map[string]*attest.Engagement{}
	var out []Shared
	for _, d := range docs {
		if d.Meta["distribution_confirmed"] != "true" {
			continue
		}
		e, seen := engs[d.EngagementID]
		if !seen {
			e, _ = s.Engagement(ctx, d.EngagementID)
			engs[d.EngagementID] = e
		}
		out = append(out, issued(d, e, ndaKinds))
	}
	others, err := s.Documents(ctx, "", attest.DocShared)
	if err != nil {
		return nil, err
	}
	for _, d := range others {
		out = append(out, other(d))
	}
	return out, nil
}

// issued is how the trust center shows an issued report of engagement e
// (nil when it is gone), with the kinds shared under NDA.
func issued(d attest.Document, e *attest.Engagement, ndaKinds string) Shared {
	sh := Shared{Document: d, Kind: attest.Kind(d.Meta["kind"]), Period: strings.ReplaceAll(d.Meta["period"], "..", " to "), Firm: d.Meta["firm"]}
	sh.Label = strings.TrimSpace(d.Meta["kind"] + " " + d.Meta["type"])
	if e != nil && sh.Kind != attest.SOC1 {
		sh.Categories = e.Categories
	}
	switch sh.Kind {
	case attest.SOC3:
		sh.Public, sh.Access = true, "public: download it below"
	case attest.SOC1:
		sh.Access = "for customers and their auditors, on request"
	default:
		sh.Access = "on request"
	}
	if !sh.Public && listed(ndaKinds, string(sh.Kind)) {
		sh.NDA = true
		sh.Access += ", under NDA"
	}
	return sh
}

// other is how the trust center shows a document that is not a SOC report.
func other(d attest.Document) Shared {
	sh := Shared{Document: d, Other: true, Label: d.Meta["title"], Public: d.Meta["audience"] == AudiencePublic, NDA: d.Meta["audience"] == AudienceNDA}
	if sh.Label == "" {
		sh.Label = d.Name
	}
	sh.Access = "public: download it below"
	if !sh.Public {
		sh.Access = "on request, under NDA"
	}
	return sh
}

// Find is the shared document with the ID given as text; ENOTFOUND when
// the trust center does not share it.
func Find(ctx context.Context, s Catalog, id string) (*Shared, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no such document"}
	}
	return find(ctx, s, n)
}

func find(ctx context.Context, s Catalog, id int64) (*Shared, error) {
	docs, err := List(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if d.ID == id {
			return &d, nil
		}
	}
	return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no such document"}
}

// Sections splits a listing as the public page shows it: the SOC reports,
// and the other documents apart.
func Sections(docs []Shared) (reports, others []Shared) {
	for _, d := range docs {
		if d.Other {
			others = append(others, d)
		} else {
			reports = append(reports, d)
		}
	}
	return reports, others
}

// StateStore is what naming the listing's state reads.
type StateStore interface {
	LedgerSize(ctx context.Context) (int64, error)
	Setting(ctx context.Context, key string) (string, error)
}

// State names the state of the data the public page shows: the same name,
// the same page. Every change to the documents is a ledger entry, so the
// ledger's size stands for them; the NDA setting is not one, so it is read.
func State(ctx context.Context, s StateStore) (string, error) {
	n, err := s.LedgerSize(ctx)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(n, 10) + "|" + setting(ctx, s, SettingNDAKinds, ""), nil
}
