package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// IssuedRequest is the service auditor's final report as the CPA firm
// issued it, with the record that says what it is: its kind and type (as
// written: "SOC 2", "Type 2" or "2"; none for a SOC 3), the period it
// covers (START..END, or the as-of date), the firm, and the date of the
// auditor's report when known (YYYY-MM-DD), which bridge letters name.
type IssuedRequest struct {
	Engagement string
	Kind, Type string
	Period     string
	Firm       string
	ReportDate string
	// Name is the file's name as given; the document keeps its base name.
	Name  string
	Bytes []byte
	// DistributionConfirmed says the engagement letter allows sharing
	// the report with its intended users: the trust center shares it
	// only then.
	DistributionConfirmed bool
}

// AddIssued keeps an issued report byte for byte for actor (nil: the local
// operator) and records it as a document of the engagement, its record in
// the document's metadata (see IssuedFrom) with the SHA-256 of its bytes,
// in one ledger entry. Only management keeps issued reports, and only a
// PDF: the CPA firm's final report.
func AddIssued(ctx context.Context, s DocumentStore, bs Putter, ch attest.Change, actor *attest.User, req IssuedRequest) (*attest.Document, error) {
	if !attest.Manages(actor) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator or a compliance manager keeps issued reports"}
	}
	meta, err := req.meta(ch.At)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(req.Name)
	meta["original_name"] = name
	return keep(ctx, s, bs, ch, attest.Document{EngagementID: req.Engagement, Kind: attest.DocIssued, Name: name, MediaType: "application/pdf", Meta: meta}, req.Bytes)
}

// meta checks the request and returns the record it keeps, without the
// file's name. An issued report is dated on or after the end of what it
// covers, and both are past by now (when now is known): a date still to
// come is a typo or a draft, and the bridge letter and the trust center
// would read it as the report's.
func (req IssuedRequest) meta(now time.Time) (map[string]string, error) {
	k, err := attest.ParseKind(req.Kind)
	if err != nil {
		return nil, err
	}
	var t attest.ReportType
	if k != attest.SOC3 {
		if t, err = attest.ParseReportType(req.Type); err != nil {
			return nil, err
		}
	} else if req.Type != "" {
		return nil, invalid("type", "a SOC 3 has no type")
	}
	if strings.TrimSpace(req.Period) == "" {
		return nil, invalid("period", "say what the report covers (START..END, or the as-of date)")
	}
	_, end, err := IssuedPeriod(req.Period)
	if err != nil {
		return nil, invalid("period", "%s", err.Error())
	}
	today := ""
	if !now.IsZero() {
		today = now.UTC().Format(attest.DateLayout)
	}
	if today != "" && end > today {
		return nil, invalid("period", "it ends %s, after today (%s): an issued report covers a period that is over", end, today)
	}
	if strings.TrimSpace(req.Firm) == "" {
		return nil, invalid("firm", "say which CPA firm issued the report")
	}
	if req.ReportDate != "" {
		if _, err := attest.ParseDate(req.ReportDate); err != nil {
			return nil, invalid("report date", "%s", attest.ErrorMessage(err))
		}
		if req.ReportDate < end {
			return nil, invalid("report date", "%s is before %s, the end of what the report covers", req.ReportDate, end)
		}
		if today != "" && req.ReportDate > today {
			return nil, invalid("report date", "%s is after today (%s): give the date the CPA firm signed the report", req.ReportDate, today)
		}
	}
	if !bytes.HasPrefix(req.Bytes, []byte("%PDF-")) {
		return nil, attest.Errorf(attest.EINVALID, "%s: not a PDF file; the issued report is the CPA firm's final PDF", req.Name)
	}
	sum := sha256.Sum256(req.Bytes)
	meta := map[string]string{"kind": string(k), "type": string(t), "period": req.Period, "firm": req.Firm, "sha256": hex.EncodeToString(sum[:]),
		"distribution_confirmed": fmt.Sprint(req.DistributionConfirmed)}
	if req.ReportDate != "" {
		meta["report_date"] = req.ReportDate
	}
	return meta, nil
}

func invalid(field, format string, args ...any) error {
	return attest.Errorf(attest.EINVALID, field+": "+format, args...)
}
