package attest

import (
	"context"
	"strconv"
	"strings"
)

// Test results.
const (
	ResultNoException   = "no-exception"
	ResultDeviation     = "deviation"
	ResultNotApplicable = "not-applicable"

	ConclusionNoExceptions = "no-exceptions"
	ConclusionExceptions   = "exceptions"
	ConclusionNotPerformed = "not-performed"
)

// ItemResult is the result of testing one sampled item.
type ItemResult struct {
	Key    string `json:"key"`
	Result string `json:"result"`
	Note   string `json:"note,omitempty"`
}

// Test is a test of one control: the service auditor's (shown in the
// report's section 4 for a Type 2) or management's own internal test (never
// shown as the auditor's).
type Test struct {
	ID           int64        `json:"id"`
	EngagementID string       `json:"engagement"`
	ControlID    string       `json:"control"`
	Internal     bool         `json:"internal"`
	Procedures   []string     `json:"procedures"`
	DrawID       int64        `json:"draw,omitempty"`
	Items        []ItemResult `json:"items"`
	Conclusion   string       `json:"conclusion"`
	Deviations   string       `json:"deviations,omitempty"` // isolated or systematic
	Wording      string       `json:"wording"`
	// From and To are the part of the period the test covers: the whole
	// period, or an interim part rolled forward by another test.
	From      string   `json:"from,omitempty"`
	To        string   `json:"to,omitempty"`
	AppliesTo []string `json:"applies_to,omitempty"` // other engagements the result serves
	TestedBy  string   `json:"tested_by"`
	TestedAt  string   `json:"tested_at"`
	Entry     int64    `json:"ledger_entry"`
}

// Response is management's text attached to a test with exceptions; it is
// management's, not the auditor's, and sits in the report's section 5.
type Response struct {
	TestID int64  `json:"test"`
	Text   string `json:"text"`
	By     string `json:"by"`
	At     string `json:"at"`
	Entry  int64  `json:"ledger_entry"`
}

// Request is one line of the auditor's request list.
type Request struct {
	ID           int64    `json:"id"`
	EngagementID string   `json:"engagement"`
	ControlID    string   `json:"control"`
	Text         string   `json:"text"`
	Items        []string `json:"items"`
	Due          string   `json:"due,omitempty"`
	Status       string   `json:"status"` // open, fulfilled, closed
	Evidence     []int64  `json:"evidence"`
	CreatedBy    string   `json:"created_by"`
	CreatedAt    string   `json:"created_at"`
	UpdatedBy    string   `json:"updated_by"`
	UpdatedAt    string   `json:"updated_at"`
}

// Comment is one message in a request's thread: the auditor's follow-up
// questions and the staff's answers.
type Comment struct {
	ID        int64  `json:"id"`
	RequestID int64  `json:"request"`
	Text      string `json:"text"`
	By        string `json:"by"`
	At        string `json:"at"`
	Entry     int64  `json:"ledger_entry"`
}

// TestingStore keeps tests, management responses and requests.
type TestingStore interface {
	AddTest(ctx context.Context, ch Change, t Test) (*Test, error)
	Test(ctx context.Context, id int64) (*Test, error)
	Tests(ctx context.Context, engagementID, controlID string) ([]Test, error)
	AddResponse(ctx context.Context, ch Change, r Response) (*Response, error)
	Responses(ctx context.Context, testID int64) ([]Response, error)
	// SaveRequest creates (ID 0) or updates a request: the request as read
	// (its UpdatedAt), ECONFLICT when it was saved since, so that a save
	// from a stale copy never undoes another (evidence linked, a close).
	SaveRequest(ctx context.Context, ch Change, r Request) (*Request, error)
	Request(ctx context.Context, id int64) (*Request, error)
	Requests(ctx context.Context, engagementID string) ([]Request, error)
	// AddComment adds a comment to a request's thread (ENOTFOUND when the
	// request does not exist).
	AddComment(ctx context.Context, ch Change, c Comment) (*Comment, error)
	// Comments lists a request's thread, oldest first.
	Comments(ctx context.Context, requestID int64) ([]Comment, error)
}

// Test procedures. Inquiry alone is never enough.
var Procedures = []string{"inquiry", "observation", "inspection", "reperformance"}

// Wording is a firm's template for test results. In Exceptions, {n} is the
// number of items with deviations, {tested} the items tested, {population}
// the population's size (empty when unknown) and {details} the deviations.
type Wording struct {
	NoExceptions string `json:"no_exceptions"`
	Exceptions   string `json:"exceptions"`
	NotPerformed string `json:"not_performed"`
}

// DefaultWording is the common form of results in service auditors'
// reports (DOMAIN.md section 7).
var DefaultWording = Wording{
	NoExceptions: "No exceptions noted.",
	Exceptions:   "Exception noted: for {n} of {tested} items selected{population}, {details}.",
	NotPerformed: "No testing performed: the circumstances that warrant the operation of the control did not occur during the period.",
}

// Conclude checks a test and sets its conclusion and result wording from
// the firm's template (DefaultWording when w is empty). notPerformed says
// the circumstances that make the control operate did not occur.
func (t *Test) Conclude(notPerformed bool, population int, w Wording) error {
	if w.NoExceptions == "" {
		w.NoExceptions = DefaultWording.NoExceptions
	}
	if w.Exceptions == "" {
		w.Exceptions = DefaultWording.Exceptions
	}
	if w.NotPerformed == "" {
		w.NotPerformed = DefaultWording.NotPerformed
	}
	if len(t.Procedures) == 0 {
		return Errorf(EINVALID, "say how the control was tested: inquiry, observation, inspection or reperformance")
	}
	seen, inquiryOnly := map[string]bool{}, true
	for _, p := range t.Procedures {
		ok := false
		for _, q := range Procedures {
			ok = ok || p == q
		}
		if !ok {
			return Errorf(EINVALID, "unknown procedure %q: want inquiry, observation, inspection or reperformance", p)
		}
		seen[p] = true
		inquiryOnly = inquiryOnly && p == "inquiry"
	}
	if inquiryOnly && !notPerformed {
		return Errorf(EINVALID, "inquiry alone is not enough evidence that a control operated: add observation, inspection or reperformance")
	}
	if notPerformed {
		if len(t.Items) > 0 {
			return Errorf(EINVALID, "a test where the circumstances did not occur has no item results")
		}
		t.Conclusion = ConclusionNotPerformed
		t.Wording = w.NotPerformed
		return nil
	}
	if len(t.Items) == 0 {
		return Errorf(EINVALID, "record a result for each item tested: no exception, a deviation (with what it was) or not applicable (with why)")
	}
	var devs []string
	tested := 0
	for _, it := range t.Items {
		switch it.Result {
		case ResultNoException:
			tested++
		case ResultDeviation:
			tested++
			if it.Note == "" {
				return Errorf(EINVALID, "the deviation on item %s needs a description", it.Key)
			}
			devs = append(devs, it.Key+": "+it.Note)
		case ResultNotApplicable:
			if it.Note == "" {
				return Errorf(EINVALID, "item %s is not applicable: say why", it.Key)
			}
		default:
			return Errorf(EINVALID, "item %s: result %q: want no-exception, deviation or not-applicable", it.Key, it.Result)
		}
	}
	if len(devs) == 0 {
		if t.Deviations != "" {
			return Errorf(EINVALID, "no deviations were recorded: leave out whether they are isolated or systematic")
		}
		t.Conclusion, t.Wording = ConclusionNoExceptions, w.NoExceptions
		return nil
	}
	if t.Deviations != "isolated" && t.Deviations != "systematic" {
		return Errorf(EINVALID, "deviations were found: say whether they are isolated or systematic")
	}
	t.Conclusion = ConclusionExceptions
	pop := ""
	if population > 0 {
		pop = " from a population of " + strconv.Itoa(population)
	}
	t.Wording = strings.NewReplacer("{n}", strconv.Itoa(len(devs)), "{tested}", strconv.Itoa(tested), "{population}", pop, "{details}", joinSemi(devs)).Replace(w.Exceptions)
	return nil
}

func joinSemi(s []string) string { return strings.Join(s, "; ") }
