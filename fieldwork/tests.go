package fieldwork

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

// TestStore is what recording tests and responses needs.
type TestStore interface {
	Store
	Draws(ctx context.Context, engagementID, controlID string) ([]attest.Draw, error)
	AddTest(ctx context.Context, ch attest.Change, t attest.Test) (*attest.Test, error)
	Test(ctx context.Context, id int64) (*attest.Test, error)
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
}

// RecordTest records a test of a control. The auditor's tests are
// recorded only by a named auditor of the engagement, by account, inside
// its window; management's internal tests only by management (an admin,
// a compliance manager, or the local operator). Tested items must be
// exactly the items of the draw named.
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
	t := attest.Test{EngagementID: e.ID, ControlID: c.ID, Internal: req.Internal, DrawID: req.DrawID, Items: req.Items, Deviations: strings.ToLower(strings.TrimSpace(req.Deviations))}
	for _, p := range req.Procedures {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			t.Procedures = append(t.Procedures, p)
		}
	}
	if len(t.Procedures) == 0 {
		return nil, field("procedure", "say how the control was tested: inquiry, observation, inspection or reperformance")
	}
	population := 0
	if req.DrawID > 0 {
		if population, err = DrawItems(ctx, s, e.ID, c.ID, req.DrawID, req.Items); err != nil {
			return nil, err
		}
	}
	profile, err := Profile(ctx, s)
	if err != nil {
		return nil, err
	}
	if err := t.Conclude(req.NotPerformed, population, profile.Wording); err != nil {
		return nil, field(testField(err), attest.ErrorMessage(err))
	}
	return s.AddTest(ctx, ch, t)
}

// DrawItems checks that the items tested are exactly the draw's (with its
// extensions' items), and returns the population's size.
func DrawItems(ctx context.Context, s TestStore, engagementID, controlID string, drawID int64, items []attest.ItemResult) (int, error) {
	ds, err := s.Draws(ctx, engagementID, controlID)
	if err != nil {
		return 0, err
	}
	var d *attest.Draw
	for i := range ds {
		if ds[i].ID == drawID {
			d = &ds[i]
		}
	}
	if d == nil {
		return 0, field("draw", fmt.Sprintf("%d is not a draw of %s in %s (see attest sample list)", drawID, controlID, engagementID))
	}
	want := map[string]bool{}
	for _, k := range d.Items {
		want[k] = true
	}
	for _, it := range items {
		if !want[it.Key] {
			return 0, field("items", fmt.Sprintf("item %s is not in draw %d", it.Key, drawID))
		}
		delete(want, it.Key)
	}
	if len(want) > 0 {
		var missing []string
		for _, k := range d.Items {
			if want[k] {
				missing = append(missing, k)
			}
		}
		return 0, field("items", fmt.Sprintf("draw %d has %d items without a result: %s", drawID, len(missing), strings.Join(missing, ", ")))
	}
	p, err := s.Population(ctx, d.PopulationID)
	if err != nil {
		return 0, err
	}
	return p.Rows, nil
}

// testField names the field a Conclude error is about.
func testField(err error) string {
	m := attest.ErrorMessage(err)
	switch {
	case strings.Contains(m, "procedure"), strings.Contains(m, "inquiry"), strings.Contains(m, "tested"):
		if !strings.Contains(m, "item") {
			return "procedure"
		}
	case strings.Contains(m, "isolated or systematic"), strings.Contains(m, "--deviations"):
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
	if t.Internal || t.Conclusion != attest.ConclusionExceptions {
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
	if actor == nil || actor.Role == attest.RoleAdmin || actor.Role == attest.RoleCompliance {
		return nil
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: msg}
}
