package trust

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Row is an access request as the administrator reviews it: its document
// (nil when no longer shared), the audience rule for its requester, and
// whether its link works now.
type Row struct {
	attest.AccessRequest
	Doc      *Shared
	Audience attest.Audience
	Valid    bool
}

// Overview is the administrator's view of the trust center: the requests,
// downloads and NDA versions, newest first, the shared documents and the
// settings.
type Overview struct {
	Requests  []Row
	Downloads []attest.Download
	// Public counts the public documents' anonymous downloads, which are
	// tallied per day rather than recorded one by one.
	Public   []PublicTally
	NDAs     []attest.NDA
	Docs     []Shared
	Settings Settings
}

// PublicTally is how often one public document was downloaded: in all,
// in the 30 days to the review, and per day, newest first.
type PublicTally struct {
	DocumentID int64
	// Doc is the document as listed; nil when it is no longer shared.
	Doc    *Shared
	Total  int64
	Recent int64
	Days   []attest.PublicDownloads
}

// tallies groups the per-day counts by document, the most downloaded
// first; Recent counts the 30 days ending on now's day.
func tallies(counts []attest.PublicDownloads, docs []Shared, now time.Time) []PublicTally {
	since := now.UTC().AddDate(0, 0, -29).Format(time.DateOnly)
	byDoc := map[int64]*PublicTally{}
	var order []int64
	for _, c := range counts {
		t := byDoc[c.DocumentID]
		if t == nil {
			t = &PublicTally{DocumentID: c.DocumentID}
			for i := range docs {
				if docs[i].ID == c.DocumentID {
					t.Doc = &docs[i]
				}
			}
			byDoc[c.DocumentID] = t
			order = append(order, c.DocumentID)
		}
		t.Total += c.Count
		if c.Day >= since {
			t.Recent += c.Count
		}
		t.Days = append(t.Days, c)
	}
	out := make([]PublicTally, 0, len(order))
	for _, id := range order {
		t := byDoc[id]
		slices.SortFunc(t.Days, func(a, b attest.PublicDownloads) int { return strings.Compare(b.Day, a.Day) })
		out = append(out, *t)
	}
	slices.SortStableFunc(out, func(a, b PublicTally) int {
		if a.Total != b.Total {
			return int(b.Total - a.Total)
		}
		return int(a.DocumentID - b.DocumentID)
	})
	return out
}

// Review gathers the administrator's view at now; only an administrator
// (or the local operator) reads it.
func Review(ctx context.Context, s Store, actor *attest.User, now time.Time) (*Overview, error) {
	if err := mayAdminister(actor); err != nil {
		return nil, err
	}
	reqs, err := s.AccessRequests(ctx)
	if err != nil {
		return nil, err
	}
	docs, err := List(ctx, s)
	if err != nil {
		return nil, err
	}
	out := &Overview{Docs: docs, Requests: rows(reqs, docs, now), Settings: ReadSettings(ctx, s)}
	if out.Downloads, err = s.Downloads(ctx); err != nil {
		return nil, err
	}
	slices.Reverse(out.Downloads)
	counts, err := s.PublicDownloads(ctx)
	if err != nil {
		return nil, err
	}
	out.Public = tallies(counts, docs, now)
	if out.NDAs, err = s.NDAs(ctx); err != nil {
		return nil, err
	}
	slices.Reverse(out.NDAs)
	return out, nil
}

// rows are the requests, newest first, with their documents and rules.
func rows(reqs []attest.AccessRequest, docs []Shared, now time.Time) []Row {
	byID := map[int64]*Shared{}
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	var out []Row
	for i := len(reqs) - 1; i >= 0; i-- {
		q := reqs[i]
		row := Row{AccessRequest: q, Doc: byID[q.DocumentID]}
		if row.Doc != nil {
			row.Audience = row.Doc.Audience(q.Requester)
		}
		exp, _ := time.Parse(time.RFC3339, q.ExpiresAt)
		row.Valid = q.Status == attest.AccessApproved && now.Before(exp)
		out = append(out, row)
	}
	return out
}

// Requests lists every access request, oldest first, for an administrator.
func Requests(ctx context.Context, s attest.TrustStore, actor *attest.User) ([]attest.AccessRequest, error) {
	if err := mayAdminister(actor); err != nil {
		return nil, err
	}
	return s.AccessRequests(ctx)
}

// Downloads lists every delivered copy, oldest first, for an administrator.
func Downloads(ctx context.Context, s attest.TrustStore, actor *attest.User) ([]attest.Download, error) {
	if err := mayAdminister(actor); err != nil {
		return nil, err
	}
	return s.Downloads(ctx)
}

// logHeader names the access log's columns.
var logHeader = []string{"event", "time", "request", "document", "name", "email", "company", "requester", "status", "nda_version", "nda_sha256",
	"nda_accepted_at", "ip", "user_agent", "decided_by", "override", "expires_at", "revoked_at", "copy_sha256"}

// Log is the access log as a table for a spreadsheet, header first: who
// asked for what, who accepted which NDA version (with the text's
// SHA-256), the decisions, and every download with its copy's SHA-256.
// Only an administrator (or the local operator) reads it.
func Log(ctx context.Context, s attest.TrustStore, actor *attest.User) ([][]string, error) {
	reqs, err := Requests(ctx, s, actor)
	if err != nil {
		return nil, err
	}
	dls, err := s.Downloads(ctx)
	if err != nil {
		return nil, err
	}
	out := [][]string{logHeader}
	for _, q := range reqs {
		out = append(out, cells("request", q.CreatedAt, q.ID, q.DocumentID, q.Name, q.Email, q.Company, q.Requester, q.Status, q.NDAVersion, q.NDASHA256,
			q.NDAAcceptedAt, q.NDAIP, q.NDAUserAgent, q.DecidedBy, q.Override, q.ExpiresAt, q.RevokedAt, ""))
	}
	for _, d := range dls {
		out = append(out, cells("download", d.At, d.RequestID, d.DocumentID, d.Name, d.Email, d.Company, "", "", "", "", "", d.IP, d.UserAgent, "", "", "", "", d.SHA256))
	}
	return out, nil
}

// cells formats a row of the log; a text cell that a spreadsheet would
// read as a formula is prefixed with an apostrophe.
func cells(v ...any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		s := fmt.Sprint(x)
		if _, isText := x.(string); isText && s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			s = "'" + s
		}
		out[i] = s
	}
	return out
}
