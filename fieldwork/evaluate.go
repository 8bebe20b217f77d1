package fieldwork

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
)

// Evaluation is the auditor's evaluation of the deviations a test found
// (DOMAIN.md section 8): isolated or systematic, the extension drawn, a
// compensating control (only one that is described and tested), and the
// conclusion. It exists only as the auditor's signed statement.
type Evaluation struct {
	Engagement   string
	Test         int64
	Nature       string // isolated or systematic
	Extension    int64  // the extension draw, if any
	Compensating string // a compensating control's ID, if any
	Conclusion   string
	Seal         Seal
}

// EvaluateAct is what the auditor signs for an evaluation.
type EvaluateAct struct {
	Test         int64  `json:"test"`
	TestHash     string `json:"test_statement"`
	Control      string `json:"control"`
	Nature       string `json:"nature"`
	Extension    int64  `json:"extension"`
	Compensating string `json:"compensating"`
	Conclusion   string `json:"conclusion"`
}

// EvaluateStore is what evaluating deviations needs.
type EvaluateStore interface {
	TestStore
	AddStatement(ctx context.Context, ch attest.Change, st attest.Statement) (*attest.Statement, error)
}

// Evaluate records the auditor's evaluation of a test's deviations.
func Evaluate(ctx context.Context, env Env, s EvaluateStore, ch attest.Change, actor *attest.User, in Evaluation) (*attest.Statement, error) {
	e, err := s.Engagement(ctx, in.Engagement)
	if err != nil {
		return nil, err
	}
	if err := env.RequireAuditor(ctx, actor, e, "evaluates deviations"); err != nil {
		return nil, err
	}
	t, err := s.Test(ctx, in.Test)
	if err != nil || t.EngagementID != e.ID {
		return nil, field("test", fmt.Sprintf("there is no test %d in %s", in.Test, e.ID))
	}
	if t.Internal || t.Conclusion != attest.ConclusionExceptions {
		return nil, field("test", fmt.Sprintf("test %d is not an auditor's test with exceptions", t.ID))
	}
	h, err := statementOf(ctx, s, e.ID, t.Entry)
	if err != nil {
		return nil, err
	}
	if h == "" {
		return nil, field("test", fmt.Sprintf("test %d was not %s", t.ID, SignedByKey))
	}
	act := EvaluateAct{Test: t.ID, TestHash: h, Control: t.ControlID, Nature: strings.ToLower(strings.TrimSpace(in.Nature)), Extension: in.Extension}
	if act.Nature != "isolated" && act.Nature != "systematic" {
		return nil, field("nature", fmt.Sprintf("%q: want isolated or systematic", in.Nature))
	}
	if in.Extension != 0 {
		ds, err := s.Draws(ctx, e.ID, t.ControlID)
		if err != nil {
			return nil, err
		}
		ok := false
		for _, d := range ds {
			ok = ok || (d.ID == in.Extension && d.Extends != 0 && d.Extends == t.DrawID)
		}
		if !ok {
			return nil, field("extension", fmt.Sprintf("draw %d is not an extension of test %d's draw (extend that draw)", in.Extension, t.ID))
		}
	}
	if id := strings.ToUpper(strings.TrimSpace(in.Compensating)); id != "" {
		cc, err := s.Control(ctx, e.ID, id)
		if err != nil {
			return nil, field("compensating", "no control "+id+" in "+e.ID+": a compensating control counts only if it is described")
		}
		if strings.TrimSpace(cc.Description) == "" {
			return nil, field("compensating", id+" has no description: a compensating control counts only if it is described")
		}
		ok, err := effective(ctx, s, e.ID, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, field("compensating", id+" has no signed test of the auditor's concluding no exceptions: a compensating control counts only if it is tested")
		}
		act.Compensating = id
	}
	if act.Conclusion, err = Text("conclusion", in.Conclusion, 4000); err != nil {
		return nil, err
	}
	st, err := env.seal(ctx, actor, e, in.Seal, auditsig.KindEvaluate, act)
	if err != nil {
		return nil, err
	}
	return s.AddStatement(ctx, ch, *st)
}

// PopulationAct is what the auditor signs on a population: how they tested
// its completeness and accuracy (it is information produced by the
// entity), bound to its hash and extraction record.
type PopulationAct struct {
	Population PopulationRef `json:"population"`
	Control    string        `json:"control"`
	Procedure  string        `json:"procedure"`
}

// TestPopulation records, signed, how the auditor tested a population's
// completeness and accuracy.
func TestPopulation(ctx context.Context, env Env, s EvaluateStore, ch attest.Change, actor *attest.User, engagementID string, populationID int64, procedure string, sl Seal) (*attest.Statement, error) {
	e, err := s.Engagement(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	if err := env.RequireAuditor(ctx, actor, e, "tests populations"); err != nil {
		return nil, err
	}
	p, err := s.Population(ctx, populationID)
	if err != nil {
		return nil, field("population", fmt.Sprintf("there is no population %d", populationID))
	}
	if _, err := s.Control(ctx, e.ID, p.ControlID); err != nil {
		return nil, field("population", fmt.Sprintf("population %d is of %s, not a control of %s", p.ID, p.ControlID, e.ID))
	}
	text, err := Text("procedure", procedure, 4000)
	if err != nil {
		return nil, err
	}
	st, err := env.seal(ctx, actor, e, sl, auditsig.KindPopulation, PopulationAct{Population: popRef(p), Control: p.ControlID, Procedure: text})
	if err != nil {
		return nil, err
	}
	return s.AddStatement(ctx, ch, *st)
}

// ReviewAct is what a reviewer of the audit team signs on a test.
type ReviewAct struct {
	Test     int64  `json:"test"`
	TestHash string `json:"test_statement"`
	Control  string `json:"control"`
	Note     string `json:"note"`
}

// Review records a reviewer's signed sign-off on a test of the service
// auditor: another member of the team, with their own key, never the one
// who recorded it.
func Review(ctx context.Context, env Env, s EvaluateStore, ch attest.Change, actor *attest.User, engagementID string, testID int64, note string, sl Seal) (*attest.Statement, error) {
	e, err := s.Engagement(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	if err := env.RequireAuditor(ctx, actor, e, "reviews the auditor's tests"); err != nil {
		return nil, err
	}
	t, err := s.Test(ctx, testID)
	if err != nil || t.EngagementID != e.ID || t.Internal {
		return nil, field("test", fmt.Sprintf("there is no auditor's test %d in %s", testID, e.ID))
	}
	sts, err := s.Statements(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	var ts *attest.Statement
	for i := range sts {
		if sts[i].Entry == t.Entry {
			ts = &sts[i]
		}
	}
	if ts == nil {
		return nil, field("test", fmt.Sprintf("test %d was not %s", t.ID, SignedByKey))
	}
	if b, err := auditsig.Decode(ts.Body); err == nil && b.Auditor == actor.ID {
		return nil, forbidden("test %d is yours: its review is another member of the team's", t.ID)
	}
	act := ReviewAct{Test: t.ID, TestHash: ts.Hash, Control: t.ControlID, Note: strings.TrimSpace(note)}
	if len(act.Note) > 4000 {
		return nil, field("note", "at most 4000 characters")
	}
	st, err := env.seal(ctx, actor, e, sl, auditsig.KindReview, act)
	if err != nil {
		return nil, err
	}
	return s.AddStatement(ctx, ch, *st)
}
