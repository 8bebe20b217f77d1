package fieldwork

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/sample"
)

// TestStore is what recording tests and responses needs.
type TestStore interface {
	Store
	Draws(ctx context.Context, engagementID, controlID string) ([]attest.Draw, error)
	AddTest(ctx context.Context, ch attest.Change, t attest.Test) (*attest.Test, error)
	Test(ctx context.Context, id int64) (*attest.Test, error)
	Tests(ctx context.Context, engagementID, controlID string) ([]attest.Test, error)
	CompletenessChecks(ctx context.Context, populationID int64) ([]attest.Completeness, error)
	period.Records
	AddResponse(ctx context.Context, ch attest.Change, r attest.Response) (*attest.Response, error)
}

// TestRequest is a test of a control as recorded: the service auditor's,
// or (Internal) management's own, which never appears as the auditor's.
type TestRequest struct {
	Engagement   string
	Control      string
	Internal     bool
	Procedures   []string
	DrawID       int64
	Items        []attest.ItemResult
	Deviations   string
	NotPerformed bool
	// From and To are the part of the period the test covers (interim
	// testing); empty, the whole period.
	From, To string
	// AppliesTo names other engagements the result also serves (a SOC 1
	// and a SOC 2 over the same period, the same control).
	AppliesTo []string
	// Reason is why fewer items were tested than the size rule asks.
	Reason string
	// Acknowledged is the auditor's word on occurrences with missed or
	// late evidence, needed to conclude "no exceptions" despite them.
	Acknowledged string
	// TestOfOne, for an automated control: how its configuration was
	// tested (the baseline), and the access and change-management
	// controls over its system the result relies on.
	TestOfOne   string
	SupportedBy []string
	Seal        Seal
}

// TestAct is what the auditor signs for a test: everything Section 4
// shows of it.
type TestAct struct {
	Control      string              `json:"control"`
	Procedures   []string            `json:"procedures"`
	Draw         int64               `json:"draw"`
	DrawHashes   []string            `json:"draws"` // the statements of the draw and its extensions
	Items        []attest.ItemResult `json:"items"`
	Conclusion   string              `json:"conclusion"`
	Deviations   string              `json:"deviations"`
	Wording      string              `json:"wording"`
	From         string              `json:"from"`
	To           string              `json:"to"`
	AppliesTo    []string            `json:"applies_to"`
	Reason       string              `json:"reason"`
	Acknowledged string              `json:"acknowledged"`
	TestOfOne    string              `json:"test_of_one"`
	SupportedBy  []string            `json:"supported_by"`
}

// RecordTest records a test of a control. The auditor's tests are
// recorded only by a named auditor of the engagement, by account, inside
// its window, signed with their enrolled key, and only as the rules of
// DOMAIN.md section 8 allow: the items are exactly those of a signed,
// binding draw (with its extensions) of a population of the control that
// reaches the end of the part of the period tested; fewer items than the
// size rule asks only with a reason; "the circumstances did not occur"
// only for an event-driven control whose population over the period is
// empty and evidenced; "no exceptions" despite missed or late occurrences
// only when the auditor acknowledges them; a test of one only for an
// automated control whose access and change-management controls the
// auditor concluded effective by their own signed results. Management's
// internal tests are management's (an admin, a compliance manager, or the
// local operator) and carry none of this.
func RecordTest(ctx context.Context, env Env, s TestStore, ch attest.Change, actor *attest.User, req TestRequest) (*attest.Test, error) {
	e, err := s.Engagement(ctx, req.Engagement)
	if err != nil {
		return nil, err
	}
	if req.Internal {
		if err := requireManagement(actor, "management's internal tests are recorded by an administrator or compliance manager"); err != nil {
			return nil, err
		}
	} else if err := env.RequireAuditor(ctx, actor, e, "records the auditor's tests, deviations and conclusions (management's own tests are internal)"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Control) == "" {
		return nil, field("control", "say which control was tested")
	}
	c, err := s.Control(ctx, e.ID, strings.ToUpper(strings.TrimSpace(req.Control)))
	if err != nil {
		return nil, err
	}
	if req.Items, err = items(req.Items); err != nil {
		return nil, err
	}
	t := attest.Test{EngagementID: e.ID, ControlID: c.ID, Internal: req.Internal, DrawID: req.DrawID, Items: req.Items, Deviations: strings.ToLower(strings.TrimSpace(req.Deviations))}
	for _, p := range req.Procedures {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			t.Procedures = append(t.Procedures, p)
		}
	}
	if len(t.Procedures) == 0 {
		return nil, field("procedure", "say how the control was tested: inquiry, observation, inspection or reperformance")
	}
	if t.From, t.To, err = coverage(e, req.From, req.To); err != nil {
		return nil, err
	}
	profile, err := Profile(ctx, s)
	if err != nil {
		return nil, err
	}
	if req.Internal {
		return recordInternal(ctx, s, ch, t, req, profile)
	}
	act := TestAct{Control: c.ID, Procedures: t.Procedures, Draw: req.DrawID, From: t.From, To: t.To, DrawHashes: []string{}, AppliesTo: []string{}, SupportedBy: []string{}}
	if act.AppliesTo, err = appliesTo(ctx, env, s, actor, e, c, req.AppliesTo); err != nil {
		return nil, err
	}
	t.AppliesTo = act.AppliesTo
	population, note := 0, ""
	switch {
	case req.NotPerformed:
		if err := notOccurred(ctx, s, e, c, t.From, t.To); err != nil {
			return nil, err
		}
	case strings.TrimSpace(req.TestOfOne) != "":
		if note, err = testOfOne(ctx, s, e, c, req); err != nil {
			return nil, err
		}
		act.TestOfOne = strings.TrimSpace(req.TestOfOne)
		act.SupportedBy = normIDs(req.SupportedBy)
	case req.DrawID == 0:
		var keys []string
		for _, it := range req.Items {
			keys = append(keys, it.Key)
		}
		return nil, field("items", fmt.Sprintf("%s are not in a draw: the auditor's tested items are the items of a signed draw (draw a sample, then name the draw)", strings.Join(keys, ", ")))
	default:
		if population, note, err = sampledItems(ctx, s, profile, e, c, t, req, &act); err != nil {
			return nil, err
		}
	}
	if err := t.Conclude(req.NotPerformed, population, profile.Wording); err != nil {
		return nil, field(testField(err), attest.ErrorMessage(err))
	}
	if t.Conclusion == attest.ConclusionNoExceptions {
		slips, err := occurrenceSlips(ctx, env, s, c, t.From, t.To)
		if err != nil {
			return nil, err
		}
		if len(slips) > 0 {
			if strings.TrimSpace(req.Acknowledged) == "" {
				return nil, field("acknowledged", fmt.Sprintf("%s has occurrences with missed or late evidence (%s): acknowledge them (say how they were resolved) before concluding no exceptions", c.ID, strings.Join(slips, ", ")))
			}
			act.Acknowledged = strings.TrimSpace(req.Acknowledged)
		}
	}
	t.Wording += note
	act.Items, act.Conclusion, act.Deviations, act.Wording = t.Items, t.Conclusion, t.Deviations, t.Wording
	if act.Items == nil {
		act.Items = []attest.ItemResult{}
	}
	st, err := env.seal(ctx, actor, e, req.Seal, auditsig.KindTest, act)
	if err != nil {
		return nil, err
	}
	return s.AddTest(ctx, signedChange(ch, st), t)
}

// recordInternal records management's internal test: concluded from its
// items, without the auditor's signature or rules.
func recordInternal(ctx context.Context, s TestStore, ch attest.Change, t attest.Test, req TestRequest, profile sample.Profile) (*attest.Test, error) {
	population := 0
	if req.DrawID > 0 {
		var err error
		if population, _, err = DrawItems(ctx, s, t.EngagementID, t.ControlID, req.DrawID, req.Items); err != nil {
			return nil, err
		}
	}
	if err := t.Conclude(req.NotPerformed, population, profile.Wording); err != nil {
		return nil, field(testField(err), attest.ErrorMessage(err))
	}
	return s.AddTest(ctx, ch, t)
}

// sampledItems checks a test of a signed draw's items: the items are the
// draw's, the population reaches the end of the part tested, and fewer
// items than the size rule asks come with a reason. It returns the
// population's size and the note the wording gains, and fills in the act's
// draw hashes and reason.
func sampledItems(ctx context.Context, s TestStore, profile sample.Profile, e *attest.Engagement, c *attest.Control, t attest.Test, req TestRequest, act *TestAct) (population int, note string, err error) {
	var pop *attest.Population
	var hashes []string
	if population, pop, err = DrawItems(ctx, s, e.ID, c.ID, req.DrawID, req.Items); err != nil {
		return 0, "", err
	}
	if hashes, err = drawStatements(ctx, s, e.ID, c.ID, req.DrawID); err != nil {
		return 0, "", err
	}
	act.DrawHashes = hashes
	if pop.LastDate != "" || pop.ExtractedAt != "" {
		reach := pop.LastDate
		if len(pop.ExtractedAt) >= 10 && pop.ExtractedAt[:10] > reach {
			reach = pop.ExtractedAt[:10]
		}
		if reach < t.To {
			return 0, "", field("covers", fmt.Sprintf("population %d reaches %s, before the end of the part tested (%s): record this test as interim (covering %s..%s) and roll forward with a population and sample of the rest", pop.ID, reach, t.To, t.From, reach))
		}
	}
	tested := 0
	for _, it := range req.Items {
		if it.Result != attest.ResultNotApplicable {
			tested++
		}
	}
	want := population
	if sz, err := SizeRule(ctx, s, profile, e, c, pop); err == nil && sz.Size < want {
		want = sz.Size
	}
	if tested < want {
		if strings.TrimSpace(req.Reason) == "" {
			return 0, "", field("reason", fmt.Sprintf("%d items were tested and the size rule asks %d: give the reason for testing fewer", tested, want))
		}
		were := fmt.Sprintf("%d items were", tested)
		if tested == 1 {
			were = "1 item was"
		}
		note = fmt.Sprintf(" %s tested where the sample size rule asks %d: %s.", were, want, strings.TrimSuffix(strings.TrimSpace(req.Reason), "."))
		act.Reason = strings.TrimSpace(req.Reason)
	}
	return population, note, nil
}

// coverage is the part of e's period a test covers: from..to, within the
// period (the whole period by default; a Type 1's date for a Type 1).
func coverage(e *attest.Engagement, from, to string) (string, string, error) {
	start, end := e.PeriodStart, e.PeriodEnd
	if e.Type == attest.Type1 {
		start, end = e.AsOf, e.AsOf
	}
	if from == "" {
		from = start
	}
	if to == "" {
		to = end
	}
	for _, d := range []string{from, to} {
		if _, err := attest.ParseDate(d); err != nil {
			return "", "", field("covers", fmt.Sprintf("%q: want FROM..TO, dates as YYYY-MM-DD", d))
		}
	}
	if from > to || (start != "" && from < start) || (end != "" && to > end) {
		return "", "", field("covers", fmt.Sprintf("%s..%s is not a part of the period %s..%s", from, to, start, end))
	}
	return from, to, nil
}

func normIDs(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if id = strings.ToUpper(strings.TrimSpace(id)); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// DrawItems checks that the items tested are exactly the draw's (with its
// extensions' items), and returns the population's size and the
// population.
func DrawItems(ctx context.Context, s TestStore, engagementID, controlID string, drawID int64, items []attest.ItemResult) (int, *attest.Population, error) {
	ds, err := s.Draws(ctx, engagementID, controlID)
	if err != nil {
		return 0, nil, err
	}
	var d *attest.Draw
	for i := range ds {
		if ds[i].ID == drawID {
			d = &ds[i]
		}
	}
	if d == nil || d.Extends != 0 {
		return 0, nil, field("draw", fmt.Sprintf("%d is not a draw of %s in %s (see attest sample list; name the draw, not its extension)", drawID, controlID, engagementID))
	}
	want, order := map[string]bool{}, []string{}
	for _, x := range ds {
		if x.ID == drawID || x.Extends == drawID {
			for _, k := range x.Items {
				want[k] = true
				order = append(order, k)
			}
		}
	}
	var extra []string
	for _, it := range items {
		if !want[it.Key] {
			extra = append(extra, it.Key)
		}
		delete(want, it.Key)
	}
	if len(extra) > 0 {
		return 0, nil, field("items", fmt.Sprintf("not in draw %d or its extensions: %s", drawID, strings.Join(extra, ", ")))
	}
	if len(want) > 0 {
		var missing []string
		for _, k := range order {
			if want[k] {
				missing = append(missing, k)
			}
		}
		return 0, nil, field("items", fmt.Sprintf("draw %d has %d items without a result: %s", drawID, len(missing), strings.Join(missing, ", ")))
	}
	p, err := s.Population(ctx, d.PopulationID)
	if err != nil {
		return 0, nil, err
	}
	return p.Rows, p, nil
}

// drawStatements are the statements of a draw and its extensions; the
// draw must be the population's binding draw, signed.
func drawStatements(ctx context.Context, s TestStore, engagementID, controlID string, drawID int64) ([]string, error) {
	ds, err := s.Draws(ctx, engagementID, controlID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range ds {
		if d.ID != drawID && d.Extends != drawID {
			continue
		}
		if d.ID == drawID && !d.Binding {
			return nil, field("draw", fmt.Sprintf("draw %d is a redraw, not the population's binding draw: test the binding draw", drawID))
		}
		h, err := statementOf(ctx, s, engagementID, d.Entry)
		if err != nil {
			return nil, err
		}
		if h == "" {
			return nil, field("draw", fmt.Sprintf("draw %d was not %s: draw again with the key", d.ID, SignedByKey))
		}
		out = append(out, h)
	}
	return out, nil
}

// testField names the field a Conclude error is about.
func testField(err error) string {
	m := attest.ErrorMessage(err)
	switch {
	case strings.Contains(m, "procedure"), strings.Contains(m, "inquiry"), strings.Contains(m, "tested"):
		if !strings.Contains(m, "item") {
			return "procedure"
		}
	case strings.Contains(m, "isolated or systematic"):
		return "deviations"
	case strings.Contains(m, "circumstances"):
		return "not_performed"
	}
	return "items"
}

// Respond attaches management's response to one of the auditor's tests
// with exceptions (the report's section 5); it never changes the test. A
// response is management's: an auditor cannot give one.
func Respond(ctx context.Context, s TestStore, ch attest.Change, actor *attest.User, engagementID string, testID int64, text string) (*attest.Response, error) {
	if err := requireManagement(actor, "a response to an exception is management's: an administrator or compliance manager gives it"); err != nil {
		return nil, err
	}
	t, err := s.Test(ctx, testID)
	if err != nil {
		return nil, err
	}
	if t.EngagementID != engagementID {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no test %d in %s", testID, engagementID)}
	}
	if !respondable(t) {
		return nil, field("test", fmt.Sprintf("test %d is not an auditor's test with exceptions: management responds to exceptions", testID))
	}
	text = strings.TrimSpace(text)
	if text == "" || len(text) > 4000 {
		return nil, field("text", "write the response (at most 4000 characters)")
	}
	return s.AddResponse(ctx, ch, attest.Response{TestID: t.ID, Text: text})
}

// requireManagement refuses anyone but management: the local operator
// (nil), an admin or a compliance manager.
func requireManagement(actor *attest.User, msg string) error {
	if attest.Manages(actor) {
		return nil
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: msg}
}
