// Package fieldwork holds the service auditor's workflows and the
// organization's answers to them: drawing samples from populations,
// recording tests, management's responses, and evidence requests. Each
// workflow decides who may act (auth: by account and engagement, inside
// the engagement's window), applies the rules of the sample package, and
// writes through the store with its ledger entry. The CLI, the pages, the
// JSON API and jobs call these functions; none of them holds a rule.
package fieldwork

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sample"
)

// Store is what the auditor's workflows read and write.
type Store interface {
	auth.Directory
	Engagement(ctx context.Context, id string) (*attest.Engagement, error)
	Control(ctx context.Context, engagementID, controlID string) (*attest.Control, error)
	Population(ctx context.Context, id int64) (*attest.Population, error)
	Populations(ctx context.Context, controlID string) ([]attest.Population, error)
	AddDraw(ctx context.Context, ch attest.Change, d attest.Draw) (*attest.Draw, error)
	Setting(ctx context.Context, key string) (string, error)
	AuditorKeys(ctx context.Context, engagementID string) ([]attest.AuditorKey, error)
	Statements(ctx context.Context, engagementID string) ([]attest.Statement, error)
	Tests(ctx context.Context, engagementID, controlID string) ([]attest.Test, error)
	Draws(ctx context.Context, engagementID, controlID string) ([]attest.Draw, error)
}

// Blobs opens stored bytes by reference.
type Blobs interface {
	Open(r blob.Ref) (io.ReadCloser, error)
}

// Env is what every fieldwork workflow works with: the store, the blobs,
// and the access policy of the moment (its clock and grace period).
type Env struct {
	Store  Store
	Blobs  Blobs
	Policy auth.Policy
}

// NewSeed is a draw's seed when the auditor gives none: 128 random bits,
// in hex. A client that signs its draw before sending it (attest sample
// draw --server) picks the seed with it, as Draw would.
func NewSeed() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// NewEnv is the environment at now, with the access policy of auth.PolicyAt
// (configured: the server's grace period, nil for none). b may be nil: no
// population files at hand.
func NewEnv(ctx context.Context, s Store, b Blobs, configured *time.Duration, now time.Time) (Env, error) {
	p, err := auth.PolicyAt(ctx, s, configured, now)
	if err != nil {
		return Env{}, err
	}
	return Env{Store: s, Blobs: b, Policy: p}, nil
}

// RequireAuditor refuses anyone but a named auditor of e, by account,
// while e's access window is open: only they set seeds, draw, test and
// request. what says what is refused ("draws samples").
func (env Env) RequireAuditor(ctx context.Context, actor *attest.User, e *attest.Engagement, what string) error {
	if !Audits(actor) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "only the service auditor " + what}
	}
	as, err := env.Store.Auditors(ctx, e.ID)
	if err != nil {
		return err
	}
	if !auth.Named(actor, as) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: actor.Name + " is not a named auditor of " + e.ID + ": only the engagement's auditors " + what +
			" (an administrator names them, with their accounts)"}
	}
	if end, rd := auth.AccessEnd(e, env.Policy.Grace); !end.IsZero() && !env.Policy.Now.Before(end) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "the auditors' access to " + e.ID + " ended on " + end.UTC().Format(attest.DateLayout) + " (report date " + rd + " plus the grace period)"}
	}
	return nil
}

// RequireMember refuses an auditor who is not a named auditor of e inside
// its window (anyone else is the organization's and passes here; their
// role is checked by the workflow).
func (env Env) RequireMember(ctx context.Context, actor *attest.User, e *attest.Engagement) error {
	if !Audits(actor) {
		return nil
	}
	return env.RequireAuditor(ctx, actor, e, "works on it")
}

// Profile is the firm's sample-size profile: the stored one, else the
// defaults.
func Profile(ctx context.Context, s interface {
	Setting(ctx context.Context, key string) (string, error)
}) (sample.Profile, error) {
	v, err := s.Setting(ctx, sample.ProfileSetting)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return sample.DefaultProfile(), nil
	}
	if err != nil {
		return sample.Profile{}, err
	}
	return sample.ParseProfile("the stored profile", []byte(v))
}

// DrawRequest is what the auditor asks of a draw. Empty fields take their
// defaults: the control's latest population, a random seed, the size from
// the firm's table.
type DrawRequest struct {
	Engagement   string
	Control      string
	PopulationID int64
	Seed         string
	Size         int
	Stratify     string // "", "month" or "quarter"
	Reason       string // a redraw's reason
	Seal         Seal
}

// PopulationRef is a population as a signed draw binds it: its hash and
// its extraction record, so a population edited after the seed is known
// no longer matches its draw.
type PopulationRef struct {
	ID          int64  `json:"id"`
	SHA256      string `json:"sha256"`
	Rows        int    `json:"rows"`
	Source      string `json:"source"`
	Query       string `json:"query"`
	ExtractedBy string `json:"extracted_by"`
	ExtractedAt string `json:"extracted_at"`
}

func popRef(p *attest.Population) PopulationRef {
	return PopulationRef{ID: p.ID, SHA256: p.Ref, Rows: p.Rows, Source: p.Source, Query: p.Query, ExtractedBy: p.ExtractedBy, ExtractedAt: p.ExtractedAt}
}

// DrawAct is what the auditor signs for a draw.
type DrawAct struct {
	Control    string        `json:"control"`
	Population PopulationRef `json:"population"`
	Seed       string        `json:"seed"`
	Size       int           `json:"size"`
	Rule       string        `json:"rule"`
	Stratify   string        `json:"stratify"`
	Redraw     string        `json:"redraw_reason"`
	Items      []string      `json:"items"`
}

// Drawn is a recorded draw with what it was drawn from.
type Drawn struct {
	Draw       *attest.Draw
	Population *attest.Population
	// Ranks are the selected items' ranks, in the items' order.
	Ranks []string
	// AllItems says every item of the population was taken.
	AllItems bool
}

// Draw selects and records a sample for the auditor: each item ranked by
// HMAC-SHA256 under the seed, the lowest ranks taken (sample.Select), so
// anyone can re-perform it. The first draw for a population is binding;
// another needs a reason, and both stay visible.
func Draw(ctx context.Context, env Env, ch attest.Change, actor *attest.User, req DrawRequest) (*Drawn, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	e, err := env.Store.Engagement(ctx, req.Engagement)
	if err != nil {
		return nil, err
	}
	if err := env.RequireAuditor(ctx, actor, e, "sets seeds and draws samples"); err != nil {
		return nil, err
	}
	c, err := env.Store.Control(ctx, e.ID, strings.ToUpper(strings.TrimSpace(req.Control)))
	if err != nil {
		return nil, err
	}
	pop, err := PickPopulation(ctx, env.Store, c.ID, req.PopulationID)
	if err != nil {
		return nil, err
	}
	if req.Stratify != "" && pop.DateColumn == "" {
		return nil, field("stratify", fmt.Sprintf("population %d has no date column to spread the sample over (import it with its date column)", pop.ID))
	}
	size, rule := req.Size, fmt.Sprintf("%d chosen by the auditor", req.Size)
	if size == 0 {
		p, err := Profile(ctx, env.Store)
		if err != nil {
			return nil, err
		}
		sz, err := SizeRule(ctx, env.Store, p, e, c, pop)
		if err != nil {
			return nil, field("size", attest.ErrorMessage(err))
		}
		size, rule = sz.Size, sz.Rule
	}
	seed := req.Seed
	if seed == "" && req.Seal.Statement != "" {
		// The seed the auditor's client chose, in the statement it signed.
		var b struct {
			Act DrawAct `json:"act"`
		}
		json.Unmarshal([]byte(req.Seal.Statement), &b)
		seed = b.Act.Seed
	}
	if seed == "" {
		seed = NewSeed()
	}
	if env.Blobs == nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "no blob store to read the population from"}
	}
	rc, err := env.Blobs.Open(blob.Ref(pop.Ref))
	if err != nil {
		return nil, err
	}
	items, ranks, err := sample.SelectPopulation(rc, pop, seed, size, req.Stratify)
	rc.Close()
	if err != nil {
		return nil, err
	}
	all := len(items) < size || len(items) == pop.Rows
	if all && !strings.Contains(rule, "every item is") {
		rule += fmt.Sprintf("; the population has %d items, so every item is taken", pop.Rows)
	}
	if items == nil {
		items = []string{}
	}
	st, err := env.seal(ctx, actor, e, req.Seal, auditsig.KindDraw, DrawAct{Control: c.ID, Population: popRef(pop), Seed: seed, Size: size, Rule: rule,
		Stratify: req.Stratify, Redraw: strings.TrimSpace(req.Reason), Items: items})
	if err != nil {
		return nil, err
	}
	saved, err := env.Store.AddDraw(ctx, signedChange(ch, st), attest.Draw{EngagementID: e.ID, ControlID: c.ID, PopulationID: pop.ID, Seed: seed, Size: size, Rule: rule,
		Stratify: req.Stratify, Items: items, Redraw: req.Reason})
	switch attest.ErrorCode(err) {
	case "":
	case attest.ECONFLICT:
		return nil, &attest.Error{Code: attest.ECONFLICT, Message: "reason: population " + strconv.FormatInt(pop.ID, 10) + " already has its binding draw; a redraw needs a reason, and both stay visible"}
	case attest.EINVALID:
		return nil, field("reason", attest.ErrorMessage(err))
	default:
		return nil, err
	}
	return &Drawn{Draw: saved, Population: pop, Ranks: ranks, AllItems: all}, nil
}

func (req DrawRequest) check() error {
	if strings.TrimSpace(req.Control) == "" {
		return field("control", "say which control to sample")
	}
	if len(req.Seed) > 200 {
		return field("seed", "at most 200 characters")
	}
	if req.Size < 0 || req.Size > 100000 {
		return field("size", fmt.Sprintf("%d: want a number from 1 to 100000, or none for the firm's table", req.Size))
	}
	if req.Stratify != "" && req.Stratify != "month" && req.Stratify != "quarter" {
		return field("stratify", fmt.Sprintf("%q: want month, quarter or nothing", req.Stratify))
	}
	if len(req.Reason) > 2000 {
		return field("reason", "at most 2000 characters")
	}
	return nil
}

// PickPopulation is the population id of the control (it must be the
// control's), or the control's latest when id is 0.
func PickPopulation(ctx context.Context, s Store, controlID string, id int64) (*attest.Population, error) {
	if id > 0 {
		p, err := s.Population(ctx, id)
		if attest.ErrorCode(err) == attest.ENOTFOUND || (err == nil && p.ControlID != controlID) {
			return nil, field("population", fmt.Sprintf("%d is not a population of %s", id, controlID))
		}
		return p, err
	}
	ps, err := s.Populations(ctx, controlID)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, field("population", fmt.Sprintf("%s has no population yet: import one first", controlID))
	}
	return &ps[len(ps)-1], nil
}

func field(name, msg string) error {
	return &attest.Error{Code: attest.EINVALID, Message: name + ": " + msg}
}

// ExtendThreshold is the population size at or under which a sample is
// not extended after a deviation: such populations are tested in full.
const ExtendThreshold = 12

// ExtendStore is what extending a draw needs.
type ExtendStore interface {
	Store
	Draws(ctx context.Context, engagementID, controlID string) ([]attest.Draw, error)
}

// Extend adds the next size items, by the same seed's ranking, to a draw
// whose testing found an isolated deviation: the items already drawn stay,
// and the extension is its own ledger entry. Only a named auditor extends.
func Extend(ctx context.Context, env Env, s ExtendStore, ch attest.Change, actor *attest.User, engagementID string, drawID int64, size int, reason string, sl Seal) (*attest.Draw, error) {
	if drawID <= 0 || size <= 0 {
		return nil, field("size", "extending needs a draw and a number of items (more than 0)")
	}
	e, err := s.Engagement(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	if err := env.RequireAuditor(ctx, actor, e, "extends samples"); err != nil {
		return nil, err
	}
	draws, err := s.Draws(ctx, e.ID, "")
	if err != nil {
		return nil, err
	}
	var base *attest.Draw
	drawn := map[string]bool{}
	for i := range draws {
		if draws[i].ID == drawID {
			base = &draws[i]
		}
	}
	if base == nil {
		return nil, attest.Errorf(attest.ENOTFOUND, "no draw %d in %s (see attest sample list)", drawID, e.ID)
	}
	for _, x := range draws {
		if x.ID == drawID || x.Extends == drawID {
			for _, k := range x.Items {
				drawn[k] = true
			}
		}
	}
	pop, err := s.Population(ctx, base.PopulationID)
	if err != nil {
		return nil, err
	}
	if pop.Rows <= ExtendThreshold {
		return nil, attest.Errorf(attest.EINVALID, "population %d has %d items: populations of %d or fewer are tested in full, not extended", pop.ID, pop.Rows, ExtendThreshold)
	}
	rc, err := env.Blobs.Open(blob.Ref(pop.Ref))
	if err != nil {
		return nil, err
	}
	ranked, _, err := sample.SelectPopulation(rc, pop, base.Seed, 2*len(drawn)+size, "")
	rc.Close()
	if err != nil {
		return nil, err
	}
	var items []string
	for _, k := range ranked {
		if !drawn[k] && len(items) < size {
			items = append(items, k)
		}
	}
	rule := fmt.Sprintf("extension of draw %d by %d items, the next by the same seed's ranking", drawID, len(items))
	if r := strings.TrimSpace(reason); r != "" {
		rule += ": " + r
	}
	baseHash, err := statementOf(ctx, s, e.ID, base.Entry)
	if err != nil {
		return nil, err
	}
	if baseHash == "" {
		return nil, field("draw", fmt.Sprintf("draw %d was not %s: it cannot be extended", drawID, SignedByKey))
	}
	if items == nil {
		items = []string{}
	}
	st, err := env.seal(ctx, actor, e, sl, auditsig.KindExtend, ExtendAct{Draw: drawID, Base: baseHash, Population: popRef(pop), Size: len(items), Rule: rule, Items: items})
	if err != nil {
		return nil, err
	}
	return s.AddDraw(ctx, signedChange(ch, st), attest.Draw{EngagementID: e.ID, ControlID: base.ControlID, PopulationID: pop.ID, Seed: base.Seed, Size: len(items), Rule: rule, Items: items, Extends: drawID})
}

// ExtendAct is what the auditor signs for an extension.
type ExtendAct struct {
	Draw       int64         `json:"draw"`
	Base       string        `json:"base"` // the extended draw's statement hash
	Population PopulationRef `json:"population"`
	Size       int           `json:"size"`
	Rule       string        `json:"rule"`
	Items      []string      `json:"items"`
}

// statementOf is the hash of the statement stored with ledger entry of
// engagement's record ("" when the record is unsigned).
func statementOf(ctx context.Context, s Store, engagementID string, entry int64) (string, error) {
	sts, err := s.Statements(ctx, engagementID)
	if err != nil {
		return "", err
	}
	for _, st := range sts {
		if st.Entry == entry {
			return st.Hash, nil
		}
	}
	return "", nil
}

// SetProfile loads the firm's sample-size profile: sizes are the audit
// firm's choice, so only a named auditor of the engagement sets them.
func SetProfile(ctx context.Context, env Env, s interface {
	Store
	SetSetting(ctx context.Context, key, value string) error
}, actor *attest.User, engagementID, file string, b []byte) (sample.Profile, error) {
	p, err := sample.ParseProfile(file, b)
	if err != nil {
		return sample.Profile{}, err
	}
	e, err := s.Engagement(ctx, engagementID)
	if err != nil {
		return sample.Profile{}, err
	}
	if err := env.RequireAuditor(ctx, actor, e, "sets the firm's sample sizes"); err != nil {
		return sample.Profile{}, err
	}
	return p, s.SetSetting(ctx, sample.ProfileSetting, string(b))
}
