package fieldwork

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/evidence"
)

// RequestStore is what evidence requests need.
type RequestStore interface {
	Store
	Request(ctx context.Context, id int64) (*attest.Request, error)
	SaveRequest(ctx context.Context, ch attest.Change, r attest.Request) (*attest.Request, error)
	AddComment(ctx context.Context, ch attest.Change, c attest.Comment) (*attest.Comment, error)
	Evidence(ctx context.Context, id int64) (*attest.Evidence, error)
}

// NewRequest is the auditor's request for evidence.
type NewRequest struct {
	Engagement string
	Control    string
	Text       string
	Items      []string // the sample items it is for
	Due        string   // YYYY-MM-DD, or empty
	Seal       Seal
}

// RequestAct is what the auditor signs for a request.
type RequestAct struct {
	Control string   `json:"control"`
	Text    string   `json:"text"`
	Items   []string `json:"items"`
	Due     string   `json:"due"`
}

// CloseAct is what the auditor signs to close a request.
type CloseAct struct {
	Request  int64   `json:"request"`
	Text     string  `json:"text"`
	Evidence []int64 `json:"evidence"`
}

// Overdue reports whether a request is open past its due date on today
// (YYYY-MM-DD).
func Overdue(q *attest.Request, today string) bool {
	return q.Status == "open" && q.Due != "" && q.Due < today
}

// Listed is a request with whether it is overdue on the day it is read.
type Listed struct {
	attest.Request
	Overdue bool `json:"overdue"`
}

// Shown is the status a list shows: "overdue" for an open request past
// its due date, else its status.
func (l Listed) Shown() string {
	if l.Overdue {
		return "overdue"
	}
	return l.Status
}

// RequestLister is what listing requests reads.
type RequestLister interface {
	Requests(ctx context.Context, engagementID string) ([]attest.Request, error)
}

// Requests lists an engagement's requests with whether each is overdue on
// today, keeping those of status: every one for "" or "all", the overdue
// ones for "overdue", else those of that status (open, fulfilled,
// closed); another status is EINVALID. The reader's scope (sc,
// auth.Scope) decides whether they read the engagement: the staff, and
// its auditors inside its window.
func Requests(ctx context.Context, s RequestLister, sc interface{ Engagement(id string) error }, engagementID, status, today string) ([]Listed, error) {
	if err := sc.Engagement(engagementID); err != nil {
		return nil, err
	}
	var keep func(Listed) bool
	switch status {
	case "", "all":
		keep = func(Listed) bool { return true }
	case "overdue":
		keep = func(l Listed) bool { return l.Overdue }
	case "open", "fulfilled", "closed":
		keep = func(l Listed) bool { return l.Status == status }
	default:
		return nil, field("status", fmt.Sprintf("%q: want open, overdue, fulfilled, closed or all", status))
	}
	rs, err := s.Requests(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	out := []Listed{}
	for _, r := range rs {
		if l := (Listed{r, Overdue(&r, today)}); keep(l) {
			out = append(out, l)
		}
	}
	return out, nil
}

// CreateRequest records the auditor's request for evidence: only a named
// auditor of the engagement asks, inside its window.
func CreateRequest(ctx context.Context, env Env, s RequestStore, ch attest.Change, actor *attest.User, in NewRequest) (*attest.Request, error) {
	e, err := s.Engagement(ctx, in.Engagement)
	if err != nil {
		return nil, err
	}
	if err := env.RequireAuditor(ctx, actor, e, "makes evidence requests"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Control) == "" {
		return nil, field("control", "say which control the request is for")
	}
	c, err := s.Control(ctx, e.ID, strings.ToUpper(strings.TrimSpace(in.Control)))
	if err != nil {
		return nil, err
	}
	text, err := Text("text", in.Text, 4000)
	if err != nil {
		return nil, err
	}
	if in.Due != "" {
		if _, err := attest.ParseDate(in.Due); err != nil {
			return nil, field("due", fmt.Sprintf("%q: want YYYY-MM-DD", in.Due))
		}
	}
	var items []string
	for _, k := range in.Items {
		if k = strings.TrimSpace(k); k != "" {
			items = append(items, k)
		}
	}
	if len(items) > 1000 {
		return nil, field("items", "at most 1000 items in one request")
	}
	if items == nil {
		items = []string{}
	}
	st, err := env.seal(ctx, actor, e, in.Seal, auditsig.KindRequest, RequestAct{Control: c.ID, Text: text, Items: items, Due: in.Due})
	if err != nil {
		return nil, err
	}
	return s.SaveRequest(ctx, signedChange(ch, st), attest.Request{EngagementID: e.ID, ControlID: c.ID, Text: text, Items: items, Due: in.Due, Status: "open"})
}

// OpenRequest is request id of the engagement (ENOTFOUND for another
// engagement's).
func OpenRequest(ctx context.Context, s RequestStore, engagementID string, id int64) (*attest.Request, error) {
	q, err := s.Request(ctx, id)
	if err != nil {
		return nil, err
	}
	if engagementID != "" && q.EngagementID != engagementID {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no request %d in %s", id, engagementID)}
	}
	return q, nil
}

// Comment adds to a request's thread, where the auditor and the staff
// talk: anyone who may read the engagement but a viewer.
func Comment(ctx context.Context, env Env, s RequestStore, ch attest.Change, actor *attest.User, q *attest.Request, text string) (*attest.Comment, error) {
	if !MayComment(actor) {
		if attest.Staff(actor) {
			return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "a viewer reads requests but does not comment"}
		}
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "requests are between the organization's staff and its auditors"}
	}
	e, err := s.Engagement(ctx, q.EngagementID)
	if err != nil {
		return nil, err
	}
	if err := env.RequireMember(ctx, actor, e); err != nil {
		return nil, err
	}
	t, err := Text("text", text, 4000)
	if err != nil {
		return nil, err
	}
	return s.AddComment(ctx, ch, attest.Comment{RequestID: q.ID, Text: t})
}

// Answer links evidence to an open request, which is then fulfilled and
// waits for the auditor's review. Answering is the organization's: an
// auditor does not answer their own request.
func Answer(ctx context.Context, s RequestStore, ch attest.Change, actor *attest.User, q *attest.Request, evidence []int64) (*attest.Request, error) {
	if !MayAnswer(actor) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "the organization answers requests with evidence"}
	}
	if q.Status == "closed" {
		return nil, &attest.Error{Code: attest.ECONFLICT, Message: fmt.Sprintf("request %d is closed", q.ID)}
	}
	if len(evidence) == 0 {
		return nil, field("evidence", "say which evidence answers the request")
	}
	have := map[int64]bool{}
	for _, id := range q.Evidence {
		have[id] = true
	}
	for _, id := range evidence {
		ev, err := s.Evidence(ctx, id)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return nil, field("evidence", fmt.Sprintf("there is no evidence %d", id))
		}
		if err != nil {
			return nil, err
		}
		if ev.Retraction != nil {
			return nil, field("evidence", fmt.Sprintf("evidence %d was retracted", id))
		}
		if !have[id] {
			q.Evidence = append(q.Evidence, id)
			have[id] = true
		}
	}
	q.Status = "fulfilled"
	return s.SaveRequest(ctx, ch, *q)
}

// CloseRequest is the auditor's, after review.
func CloseRequest(ctx context.Context, env Env, s RequestStore, ch attest.Change, actor *attest.User, q *attest.Request, sl Seal) (*attest.Request, error) {
	e, err := s.Engagement(ctx, q.EngagementID)
	if err != nil {
		return nil, err
	}
	if err := env.RequireAuditor(ctx, actor, e, "closes requests"); err != nil {
		return nil, err
	}
	if q.Status == "closed" {
		return nil, &attest.Error{Code: attest.ECONFLICT, Message: fmt.Sprintf("request %d is already closed", q.ID)}
	}
	ev := q.Evidence
	if ev == nil {
		ev = []int64{}
	}
	st, err := env.seal(ctx, actor, e, sl, auditsig.KindClose, CloseAct{Request: q.ID, Text: q.Text, Evidence: ev})
	if err != nil {
		return nil, err
	}
	q.Status = "closed"
	return s.SaveRequest(ctx, signedChange(ch, st), *q)
}

// Text is a required free text of at most max characters.
func Text(name, t string, max int) (string, error) {
	t = strings.TrimSpace(t)
	if t == "" {
		return "", field(name, "write something")
	}
	if utf8.RuneCountInString(t) > max {
		return "", field(name, fmt.Sprintf("at most %d characters", max))
	}
	return t, nil
}

// Detail is a request as its page shows it: the thread, whether it is
// overdue, and the evidence linked to it that the reader may see.
type Detail struct {
	Request  *attest.Request   `json:"request"`
	Overdue  bool              `json:"overdue"`
	Comments []attest.Comment  `json:"comments"`
	Evidence []attest.Evidence `json:"evidence"`
}

// DetailStore is what ReadRequest reads.
type DetailStore interface {
	Comments(ctx context.Context, requestID int64) ([]attest.Comment, error)
	Evidence(ctx context.Context, id int64) (*attest.Evidence, error)
}

// ReadRequest is q with its thread and the linked evidence inside sc, the
// reader's scope (auth.Scope), as of today: refused when sc does not read
// q's engagement; an item linked from outside the scope is left out, not
// refused, as the request itself is theirs to read.
func ReadRequest(ctx context.Context, s DetailStore, sc interface {
	evidence.Scope
	Engagement(id string) error
}, q *attest.Request, today string) (*Detail, error) {
	if err := sc.Engagement(q.EngagementID); err != nil {
		return nil, err
	}
	cs, err := s.Comments(ctx, q.ID)
	if err != nil {
		return nil, err
	}
	d := &Detail{Request: q, Overdue: Overdue(q, today), Comments: cs, Evidence: []attest.Evidence{}}
	for _, id := range q.Evidence {
		ev, err := s.Evidence(ctx, id)
		if err != nil {
			return nil, err
		}
		if sc.Evidence(ev) == nil {
			d.Evidence = append(d.Evidence, *ev)
		}
	}
	return d, nil
}
