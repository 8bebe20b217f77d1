package fieldwork

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
)

// Verdicts on the auditor's records.
const (
	Verified     = "verified"
	Unsigned     = "unsigned"
	BadSignature = "bad_signature"
)

// Counts are attest verify's auditor_statements.
type Counts struct {
	Verified     int `json:"verified"`
	Unsigned     int `json:"unsigned"`
	BadSignature int `json:"bad_signature"`
}

// KeyState is an enrolled key as the statements show it.
type KeyState struct {
	attest.AuditorKey
	// Valid says the key's holder confirmed it in a valid first
	// statement: only then are its statements the auditor's.
	Valid      bool `json:"valid"`
	Statements int  `json:"statements"`
}

// Audit is what an engagement's auditor statements prove.
type Audit struct {
	Engagement string     `json:"engagement"`
	Keys       []KeyState `json:"keys"`
	Counts     Counts     `json:"counts"`
	Problems   []Problem  `json:"problems"`
	// Records gives the verdict on each of the auditor's tests and draws,
	// by its ledger entry.
	Records map[int64]string `json:"-"`
	// Bodies are the verified statements, by ledger entry.
	Bodies map[int64]auditsig.Body `json:"-"`
	// Reviews names the reviewers who signed off each test, by the test's
	// ledger entry.
	Reviews map[int64][]string `json:"-"`
}

// Kinds of problem an Audit finds, for callers that sort them (verify's
// report, the auditor's comparison with their journal) without reading
// the sentences.
const (
	// ProblemUnsigned: a record kept as the auditor's with no statement.
	ProblemUnsigned = "unsigned"
	// ProblemMismatch: a record that differs from the statement signing it.
	ProblemMismatch = "mismatch"
	// ProblemBadStatement: a statement that does not verify, or a record
	// whose statement does not.
	ProblemBadStatement = "bad-statement"
	// ProblemChain: a statement missing from a key's chain.
	ProblemChain = "chain"
	// ProblemOrphan: a statement whose record was deleted.
	ProblemOrphan = "orphan"
	// ProblemKey: a key never confirmed, unreadable, or not enrolled.
	ProblemKey = "key"
)

// Problem is one thing an Audit found: its kind and a sentence for people.
type Problem struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

func (p Problem) String() string { return p.Detail }

func (a *Audit) problem(kind, format string, args ...any) {
	a.Problems = append(a.Problems, Problem{Kind: kind, Detail: fmt.Sprintf(format, args...)})
}

// Verified is which of the auditor's tests carry a statement that
// verifies (management's internal tests are never the auditor's).
func (a *Audit) Verified(tests []attest.Test) map[int64]bool {
	out := map[int64]bool{}
	for _, t := range tests {
		if !t.Internal && a.Verdict(t.Entry) == Verified {
			out[t.ID] = true
		}
	}
	return out
}

// Verdict is the verdict on the record with ledger entry n (Unsigned when
// it has no statement).
func (a *Audit) Verdict(entry int64) string {
	if v, ok := a.Records[entry]; ok {
		return v
	}
	return Unsigned
}

// AuditStore is what checking statements reads.
type AuditStore interface {
	AuditorKeys(ctx context.Context, engagementID string) ([]attest.AuditorKey, error)
	Statements(ctx context.Context, engagementID string) ([]attest.Statement, error)
	Tests(ctx context.Context, engagementID, controlID string) ([]attest.Test, error)
	Draws(ctx context.Context, engagementID, controlID string) ([]attest.Draw, error)
	Population(ctx context.Context, id int64) (*attest.Population, error)
}

// Check verifies every statement of an engagement against its enrolled
// keys (signature, canonical text, the engagement named, the chain with
// no gap) and every one of the auditor's tests and draws against its
// statement. It trusts nothing the organization stores but the public
// keys, whose fingerprints the drafts print for the firm to compare.
func Check(ctx context.Context, s AuditStore, engagementID string) (*Audit, error) {
	a := &Audit{Engagement: engagementID, Problems: []Problem{}, Records: map[int64]string{}, Bodies: map[int64]auditsig.Body{}, Reviews: map[int64][]string{}}
	keys, err := s.AuditorKeys(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	sts, err := s.Statements(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	byKey := map[string][]attest.Statement{}
	for _, st := range sts {
		byKey[st.Key] = append(byKey[st.Key], st)
	}
	bad := checkChains(a, keys, byKey, engagementID)
	matched := map[int64]bool{}
	judge := func(what string, entry int64, same func(b auditsig.Body) error) {
		b, ok := a.Bodies[entry]
		switch {
		case ok:
			if err := same(b); err != nil {
				a.Records[entry] = BadSignature
				a.Counts.BadSignature++
				a.problem(ProblemMismatch, "%s differs from the auditor's signed statement: %v", what, err)
			} else {
				a.Records[entry] = Verified
			}
			matched[entry] = true
		case bad[entry]:
			a.Records[entry] = BadSignature
			a.problem(ProblemBadStatement, "%s has a statement that does not verify", what)
		default:
			a.Records[entry] = Unsigned
			a.Counts.Unsigned++
			a.problem(ProblemUnsigned, "%s is recorded as the auditor's but is not signed by the service auditor", what)
		}
	}
	tests, err := s.Tests(ctx, engagementID, "")
	if err != nil {
		return nil, err
	}
	for _, t := range tests {
		if t.Internal {
			continue
		}
		t := t
		judge(fmt.Sprintf("test %d of %s", t.ID, t.ControlID), t.Entry, func(b auditsig.Body) error { return sameTest(b, &t) })
	}
	draws, err := s.Draws(ctx, engagementID, "")
	if err != nil {
		return nil, err
	}
	for _, d := range draws {
		d := d
		judge(fmt.Sprintf("draw %d of %s", d.ID, d.ControlID), d.Entry, func(b auditsig.Body) error { return sameDraw(ctx, s, b, &d) })
	}
	for entry, b := range a.Bodies {
		if matched[entry] {
			a.Counts.Verified++
			continue
		}
		switch b.Kind {
		case auditsig.KindTest, auditsig.KindDraw, auditsig.KindExtend:
			a.Counts.BadSignature++
			a.problem(ProblemOrphan, "the auditor's statement %d (%s) has no record: the record it signs was deleted", b.Seq, b.Kind)
		default:
			a.Counts.Verified++
		}
	}
	addReviews(a, keys)
	sort.Slice(a.Problems, func(i, j int) bool { return a.Problems[i].Detail < a.Problems[j].Detail })
	return a, nil
}

// checkChains verifies each enrolled key's chain of statements into a
// (the bodies that count, the keys' states, the problems) and returns the
// entries whose statement does not verify, or is under a key not enrolled.
func checkChains(a *Audit, keys []attest.AuditorKey, byKey map[string][]attest.Statement, engagementID string) map[int64]bool {
	bad := map[int64]bool{} // entries with an invalid statement
	enrolled := map[string]bool{}
	for _, k := range keys {
		enrolled[k.Fingerprint] = true
		ks := KeyState{AuditorKey: k}
		bodies, problems := chain(k, byKey[k.Fingerprint])
		ks.Valid = len(bodies) > 0 && bodies[0].Kind == auditsig.KindConfirm
		if !ks.Valid && len(byKey[k.Fingerprint]) > 0 {
			problems = append(problems, Problem{ProblemKey, fmt.Sprintf("key %s (%s) was never confirmed by its holder: nothing it signed counts", k.Fingerprint, k.Name)})
		}
		if !ks.Valid {
			bodies = nil
		}
		valid := map[int64]bool{}
		for _, b := range bodies {
			valid[b.Seq] = true
		}
		for _, st := range byKey[k.Fingerprint] {
			if !valid[st.Seq] {
				bad[st.Entry] = true
				a.Counts.BadSignature++
			}
		}
		for _, b := range bodies {
			ks.Statements++
			a.Bodies[b.entry] = b.Body
		}
		a.Problems = append(a.Problems, problems...)
		a.Keys = append(a.Keys, ks)
	}
	for fp, list := range byKey {
		if !enrolled[fp] {
			a.problem(ProblemKey, "%d statements on %s are under key %s, which is not enrolled there", len(list), engagementID, fp)
			for _, st := range list {
				bad[st.Entry] = true
				a.Counts.BadSignature++
			}
		}
	}
	return bad
}

// addReviews records the reviews of verified tests, by the reviewers'
// names.
func addReviews(a *Audit, keys []attest.AuditorKey) {
	names := map[int64]string{}
	for _, k := range keys {
		names[k.UserID] = k.Name
	}
	testEntry := map[string]int64{}
	for entry, b := range a.Bodies {
		if b.Kind == auditsig.KindTest && a.Records[entry] == Verified {
			testEntry[auditsig.Hash(mustEncode(b))] = entry
		}
	}
	for _, b := range a.Bodies {
		var r ReviewAct
		if b.Kind != auditsig.KindReview || json.Unmarshal(b.Act, &r) != nil {
			continue
		}
		if entry, ok := testEntry[r.TestHash]; ok {
			a.Reviews[entry] = append(a.Reviews[entry], names[b.Auditor])
		}
	}
}

type entryBody struct {
	auditsig.Body
	entry int64
}

// chain checks one key's statements, in sequence order, and returns the
// valid ones and the problems found.
func chain(k attest.AuditorKey, sts []attest.Statement) ([]entryBody, []Problem) {
	var out []entryBody
	var problems []Problem
	pub, err := auditsig.ParsePublic(k.PublicKey)
	if err != nil {
		return nil, []Problem{{ProblemKey, fmt.Sprintf("key %s: %v", k.Fingerprint, err)}}
	}
	sort.Slice(sts, func(i, j int) bool { return sts[i].Seq < sts[j].Seq })
	next, prev := int64(1), ""
	for _, st := range sts {
		where := fmt.Sprintf("statement %d of key %s on %s", st.Seq, k.Fingerprint, k.EngagementID)
		if st.Seq != next {
			problems = append(problems, Problem{ProblemChain, fmt.Sprintf("the chain of key %s on %s has no statement %d: withheld or deleted", k.Fingerprint, k.EngagementID, next)})
			prev = "" // the link cannot be checked across the gap
		}
		next = st.Seq + 1
		b, err := auditsig.Decode(st.Body)
		switch {
		case err != nil:
		case auditsig.Hash(st.Body) != st.Hash:
			err = fmt.Errorf("its stored hash is not the text's")
		case b.Engagement != k.EngagementID:
			err = fmt.Errorf("it was signed for engagement %s", b.Engagement)
		case b.Key != k.Fingerprint || b.Seq != st.Seq || b.Kind != st.Kind:
			err = fmt.Errorf("its key, number or kind is not the one stored")
		case b.Auditor != k.UserID:
			err = fmt.Errorf("it names account %d, the key is enrolled for %d", b.Auditor, k.UserID)
		case prev != "" && b.Prev != prev:
			err = fmt.Errorf("it does not name the previous statement's hash")
		case st.Seq == 1 && b.Kind != auditsig.KindConfirm:
			err = fmt.Errorf("a key's first statement is its confirmation")
		case k.Retired != "" && st.AddedAt > k.Retired:
			err = fmt.Errorf("it was added after the key was retired")
		default:
			err = auditsig.Check(pub, st.Body, st.Signature)
		}
		prev = st.Hash
		if err != nil {
			problems = append(problems, Problem{ProblemBadStatement, where + ": " + err.Error()})
			continue
		}
		out = append(out, entryBody{b, st.Entry})
	}
	return out, problems
}

func sameTest(b auditsig.Body, t *attest.Test) error {
	var act TestAct
	if b.Kind != auditsig.KindTest || json.Unmarshal(b.Act, &act) != nil {
		return fmt.Errorf("the statement is a %s", b.Kind)
	}
	applies := t.AppliesTo
	if applies == nil {
		applies = []string{}
	}
	items := t.Items
	if items == nil {
		items = []attest.ItemResult{}
	}
	switch {
	case act.Control != t.ControlID:
		return fmt.Errorf("control %s, signed %s", t.ControlID, act.Control)
	case !reflect.DeepEqual(act.Items, items):
		return fmt.Errorf("the item results are not those signed")
	case act.Conclusion != t.Conclusion || act.Wording != t.Wording || act.Deviations != t.Deviations:
		return fmt.Errorf("the result is not the one signed")
	case !reflect.DeepEqual(act.Procedures, t.Procedures):
		return fmt.Errorf("the procedures are not those signed")
	case act.From != t.From || act.To != t.To || !reflect.DeepEqual(act.AppliesTo, applies):
		return fmt.Errorf("the part of the period, or the engagements served, are not those signed")
	}
	return nil
}

func sameDraw(ctx context.Context, s AuditStore, b auditsig.Body, d *attest.Draw) error {
	var pop PopulationRef
	var items []string
	switch b.Kind {
	case auditsig.KindDraw:
		var act DrawAct
		if json.Unmarshal(b.Act, &act) != nil {
			return fmt.Errorf("unreadable")
		}
		if d.Extends != 0 || act.Control != d.ControlID || act.Seed != d.Seed || act.Size != d.Size || act.Stratify != d.Stratify || act.Rule != d.Rule {
			return fmt.Errorf("the seed, size or rule is not the one signed")
		}
		pop, items = act.Population, act.Items
	case auditsig.KindExtend:
		var act ExtendAct
		if json.Unmarshal(b.Act, &act) != nil {
			return fmt.Errorf("unreadable")
		}
		if d.Extends != act.Draw || act.Rule != d.Rule {
			return fmt.Errorf("the extension is not the one signed")
		}
		pop, items = act.Population, act.Items
	default:
		return fmt.Errorf("the statement is a %s", b.Kind)
	}
	di := d.Items
	if di == nil {
		di = []string{}
	}
	if !reflect.DeepEqual(items, di) {
		return fmt.Errorf("the items are not those signed")
	}
	if pop.ID != d.PopulationID {
		return fmt.Errorf("population %d, signed %d", d.PopulationID, pop.ID)
	}
	p, err := s.Population(ctx, d.PopulationID)
	if err != nil {
		return fmt.Errorf("its population %d is missing", d.PopulationID)
	}
	if p.Ref != pop.SHA256 || p.Rows != pop.Rows || p.Source != pop.Source || p.Query != pop.Query || p.ExtractedBy != pop.ExtractedBy || p.ExtractedAt != pop.ExtractedAt {
		return fmt.Errorf("population %d is not the one the seed was signed over (its content or extraction record changed)", p.ID)
	}
	return nil
}

func mustEncode(b auditsig.Body) string {
	text, _ := auditsig.Encode(b)
	return text
}
