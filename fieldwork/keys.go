package fieldwork

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
)

// KeyStore is what enrolling auditors' keys needs.
type KeyStore interface {
	Store
	EnrollKey(ctx context.Context, ch attest.Change, k attest.AuditorKey) (*attest.AuditorKey, error)
	ConfirmKey(ctx context.Context, ch attest.Change, st attest.Statement) (*attest.AuditorKey, error)
	RetireKey(ctx context.Context, ch attest.Change, engagementID, fingerprint string) (*attest.AuditorKey, error)
}

// Holders of a private key.
const (
	HolderCLI     = "cli"
	HolderBrowser = "browser"
)

// EnrollRequest enrolls an auditor's public key on an engagement.
type EnrollRequest struct {
	Engagement string
	Name       string // the named auditor (attest engagement auditor add)
	PublicKey  string // as auditsig.ParsePublic reads it
	Holder     string // HolderCLI (default) or HolderBrowser
}

// EnrollAuditor is the named auditor a key is enrolled for: the one
// in.Name names; else, for an auditor enrolling, the one their account
// is; else the one the public key's comment names; else the engagement's
// only auditor.
func EnrollAuditor(e *attest.Engagement, as []attest.Auditor, actor *attest.User, in EnrollRequest) (*attest.Auditor, error) {
	if name := strings.TrimSpace(in.Name); name != "" {
		for i := range as {
			if as[i].Name == name {
				return &as[i], nil
			}
		}
		return nil, field("name", "\""+name+"\" is not a named auditor of "+e.ID+" (an administrator names the auditor, with their account)")
	}
	if Audits(actor) {
		if a := NamedAs(as, actor); a != nil {
			return a, nil
		}
	}
	if f := strings.Fields(in.PublicKey); len(f) > 2 && f[0] == auditsig.PublicKeyPrefix {
		comment := strings.Join(f[2:], " ")
		for i := range as {
			if as[i].Name == comment {
				return &as[i], nil
			}
		}
	}
	if len(as) == 1 {
		return &as[0], nil
	}
	var names []string
	for _, a := range as {
		names = append(names, fmt.Sprintf("%q", a.Name))
	}
	if len(names) == 0 {
		return nil, field("name", e.ID+" has no named auditor yet: an administrator names the auditor, with their account")
	}
	return nil, field("name", "say which auditor the key is for: one of "+strings.Join(names, ", "))
}

// NamedAs is the auditor of as whose account is u's (nil when u is not
// named).
func NamedAs(as []attest.Auditor, u *attest.User) *attest.Auditor {
	for i := range as {
		if u != nil && u.ID != 0 && as[i].UserID == u.ID {
			return &as[i]
		}
	}
	return nil
}

// Enroll records an auditor's public key on an engagement, for the named
// auditor's account. The auditor enrolls their own key; management may
// record a key the auditor sent, but no key counts until its holder
// confirms it with a statement signed by it (Confirm): management's word
// on a key is what the signature guards against.
func Enroll(ctx context.Context, env Env, s KeyStore, ch attest.Change, actor *attest.User, in EnrollRequest) (*attest.AuditorKey, error) {
	e, err := s.Engagement(ctx, in.Engagement)
	if err != nil {
		return nil, err
	}
	as, err := s.Auditors(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	a, err := EnrollAuditor(e, as, actor, in)
	if err != nil {
		return nil, err
	}
	if a.UserID == 0 {
		return nil, field("name", a.Name+" has no account yet: an administrator links the name to the auditor's account")
	}
	switch {
	case actor == nil || actor.Role == attest.RoleAdmin || actor.Role == attest.RoleCompliance:
	case actor.Role == attest.RoleAuditor && actor.ID == a.UserID:
		if err := env.RequireAuditor(ctx, actor, e, "enrolls their keys"); err != nil {
			return nil, err
		}
	default:
		return nil, forbidden("an auditor enrolls their own key (or management records the key they sent, for them to confirm)")
	}
	pub, err := auditsig.ParsePublic(in.PublicKey)
	if err != nil {
		return nil, field("public_key", err.Error())
	}
	holder := in.Holder
	if holder == "" {
		holder = HolderCLI
	}
	if holder != HolderCLI && holder != HolderBrowser {
		return nil, field("holder", "\""+holder+"\": want cli or browser")
	}
	return s.EnrollKey(ctx, ch, attest.AuditorKey{EngagementID: e.ID, Fingerprint: auditsig.Fingerprint(pub), PublicKey: strings.TrimSpace(auditsig.EncodePublic(pub, "")),
		UserID: a.UserID, Name: a.Name, Holder: holder})
}

// confirmAct is what an auditor signs to confirm their key: that the
// fingerprint is the one their firm recorded.
type confirmAct struct {
	Fingerprint string `json:"fingerprint"`
	PublicKey   string `json:"public_key"`
	Name        string `json:"name"`
	Holder      string `json:"holder"`
	Confirms    string `json:"confirms"`
}

// ConfirmText is what a key's confirmation says.
const ConfirmText = "this key is mine and its fingerprint matches my firm's record"

// Confirm is the auditor's confirmation of their enrolled key: the first
// statement of the key's chain, signed by the key itself, by the auditor's
// own account. Only then are the key's statements the auditor's.
func Confirm(ctx context.Context, env Env, s KeyStore, ch attest.Change, actor *attest.User, engagementID string, sl Seal) (*attest.AuditorKey, error) {
	e, err := s.Engagement(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	if err := env.RequireAuditor(ctx, actor, e, "confirms their own key (management's confirmation counts for nothing)"); err != nil {
		return nil, err
	}
	if sl.Key == "" {
		return nil, field("key", "say which enrolled key to confirm (its fingerprint), and sign its first statement with it")
	}
	keys, err := s.AuditorKeys(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	act := confirmAct{Fingerprint: sl.Key, Confirms: ConfirmText}
	for _, k := range keys {
		if k.Fingerprint == sl.Key {
			act.PublicKey, act.Name, act.Holder = k.PublicKey, k.Name, k.Holder
		}
	}
	st, err := env.seal(ctx, actor, e, sl, auditsig.KindConfirm, act)
	if err != nil {
		return nil, err
	}
	return s.ConfirmKey(ctx, ch, *st)
}

// Retire retires a key (lost, or replaced): it signs nothing new; what it
// signed stays valid. The key's auditor or management retires it.
func Retire(ctx context.Context, env Env, s KeyStore, ch attest.Change, actor *attest.User, engagementID, fingerprint string) (*attest.AuditorKey, error) {
	e, err := s.Engagement(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	keys, err := s.AuditorKeys(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.Fingerprint != fingerprint {
			continue
		}
		if actor != nil && actor.Role != attest.RoleAdmin && actor.Role != attest.RoleCompliance && actor.ID != k.UserID {
			return nil, forbidden("a key is retired by its auditor or by management")
		}
		return s.RetireKey(ctx, ch, e.ID, fingerprint)
	}
	return nil, attest.Errorf(attest.ENOTFOUND, "no key %s is enrolled on %s", fingerprint, e.ID)
}

// KeyHolder is the account the key with fingerprint fp is enrolled for on
// e: who acts when an act is signed with it. A key not enrolled there
// acts for no one.
func KeyHolder(ctx context.Context, s interface {
	AuditorKeys(ctx context.Context, engagementID string) ([]attest.AuditorKey, error)
	User(ctx context.Context, id int64) (*attest.User, error)
}, e *attest.Engagement, fp string) (*attest.User, error) {
	keys, err := s.AuditorKeys(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.Fingerprint == fp {
			return s.User(ctx, k.UserID)
		}
	}
	return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: fmt.Sprintf("key %s is not enrolled on %s: an auditor act must be %s", fp, e.ID, SignedByKey),
		Hint: "attest engagement auditor enroll --engagement " + e.ID + " --public-key FILE.pub NAME"}
}

// RefuseAuditorName refuses a name typed to say who acts (given says
// where: --as, ATTEST_AS) when it is one of e's auditors' names: the
// auditor acts with their own key, and no one acts as the auditor, or
// records management's act under the auditor's name, by typing it.
func RefuseAuditorName(as []attest.Auditor, e *attest.Engagement, name, given string) error {
	typed := strings.TrimSpace(name)
	for _, a := range as {
		if typed != "" && strings.EqualFold(strings.TrimSpace(a.Name), typed) {
			return &attest.Error{Code: attest.EFORBIDDEN,
				Message: fmt.Sprintf("%s %q names %s's auditor: the auditor acts with their own key (--auditor-key FILE), never by a name", given, name, e.ID),
				Hint:    "without a key you act as the local operator (management): give your own name"}
		}
	}
	return nil
}

// Keys is an engagement's enrolled signing keys as a reader of its
// working papers reads them, and the reader's name as one of its auditors
// ("" when the reader is not named on it).
func Keys(ctx context.Context, s interface {
	AuditorKeys(ctx context.Context, engagementID string) ([]attest.AuditorKey, error)
	Auditors(ctx context.Context, engagementID string) ([]attest.Auditor, error)
}, actor *attest.User, sc interface {
	Papers(engagementID string) error
}, engagementID string) ([]attest.AuditorKey, string, error) {
	if err := sc.Papers(engagementID); err != nil {
		return nil, "", err
	}
	keys, err := s.AuditorKeys(ctx, engagementID)
	if err != nil {
		return nil, "", err
	}
	as, err := s.Auditors(ctx, engagementID)
	if a := NamedAs(as, actor); a != nil {
		return keys, a.Name, err
	}
	return keys, "", err
}
