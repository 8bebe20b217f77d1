package fieldwork

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
)

// Seal is an auditor act's signature as the adapters pass it: the
// fingerprint of the enrolled key that signs, and, once signed, the
// statement and its signature. An act is asked for twice: first with the
// key alone (the workflow answers *ToSign with the statement to sign), then
// with the statement and its signature, which the workflow checks against
// the act as it would record it now.
type Seal struct {
	Key       string `json:"key,omitempty"`
	Statement string `json:"statement,omitempty"`
	Signature string `json:"signature,omitempty"`
}

// ToSign is an auditor workflow's answer to an act asked with a key but
// no signature: the canonical statement the auditor signs.
type ToSign struct {
	Key       string `json:"key"`
	Statement string `json:"statement"`
}

func (t *ToSign) Error() string {
	return "sign this statement with the engagement's enrolled auditor key " + t.Key
}

// SignedByKey is named in every refusal of an unsigned or badly signed act.
const SignedByKey = "signed by the engagement's enrolled auditor key"

// Signer signs statements for one auditor key: the CLI's key file on the
// auditor's machine, or a test's key.
type Signer interface {
	Fingerprint() string
	Sign(statement string) (signature string, err error)
}

// Signed runs an auditor act with a signer: it asks for the statement,
// signs it and asks again with the signature.
func Signed[T any](s Signer, act func(Seal) (T, error)) (T, *attest.Statement, error) {
	r, err := act(Seal{Key: s.Fingerprint()})
	var ts *ToSign
	if !errors.As(err, &ts) {
		return r, nil, err
	}
	sig, err := s.Sign(ts.Statement)
	if err != nil {
		var zero T
		return zero, nil, err
	}
	r, err = act(Seal{Key: ts.Key, Statement: ts.Statement, Signature: sig})
	if err != nil {
		return r, nil, err
	}
	return r, &attest.Statement{Key: ts.Key, Body: ts.Statement, Signature: sig, Hash: auditsig.Hash(ts.Statement)}, nil
}

// ClockSkew is how far a statement's signing time may be from the
// server's clock.
const ClockSkew = 15 * time.Minute

func forbidden(format string, a ...any) error {
	return &attest.Error{Code: attest.EFORBIDDEN, Message: fmt.Sprintf(format, a...)}
}

// seal checks an auditor act's signature, or asks for one. The actor must
// already be a named auditor of e (RequireAuditor); the key must be
// enrolled on e for the actor's account, confirmed by its holder (unless
// this is the confirmation) and not retired; the statement must be the one
// the act makes now, continuing the key's chain.
func (env Env) seal(ctx context.Context, actor *attest.User, e *attest.Engagement, sl Seal, kind string, act any) (*attest.Statement, error) {
	if sl.Key == "" {
		return nil, forbidden("an auditor act must be %s: sign it with your enrolled key", SignedByKey)
	}
	keys, err := env.Store.AuditorKeys(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	var k *attest.AuditorKey
	for i := range keys {
		if keys[i].Fingerprint == sl.Key {
			k = &keys[i]
		}
	}
	switch {
	case k == nil:
		return nil, forbidden("key %s is not enrolled on %s: an auditor act must be %s (enroll the key first)", sl.Key, e.ID, SignedByKey)
	case actor == nil || k.UserID != actor.ID:
		return nil, forbidden("key %s is enrolled for another account: an auditor act must be %s of the auditor acting", sl.Key, SignedByKey)
	case k.Retired != "":
		return nil, forbidden("key %s was retired on %s: an auditor act must be %s (enroll a new one)", sl.Key, k.Retired[:10], SignedByKey)
	case kind == auditsig.KindConfirm && k.Confirmed != "":
		return nil, &attest.Error{Code: attest.ECONFLICT, Message: "key " + sl.Key + " is already confirmed on " + e.ID}
	case kind != auditsig.KindConfirm && k.Confirmed == "":
		return nil, forbidden("key %s is enrolled but its holder has not confirmed it: the holder confirms it first (an auditor act must be %s)", sl.Key, SignedByKey)
	}
	sts, err := env.Store.Statements(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	var seq int64
	prev := ""
	for _, st := range sts {
		if st.Key == k.Fingerprint && st.Seq > seq {
			seq, prev = st.Seq, st.Hash
		}
	}
	raw, err := json.Marshal(act)
	if err != nil {
		return nil, err
	}
	at := env.Policy.Now.UTC().Format(time.RFC3339)
	if sl.Statement != "" {
		b, err := auditsig.Decode(sl.Statement)
		if err != nil {
			return nil, forbidden("%v: an auditor act must be %s", err, SignedByKey)
		}
		t, err := time.Parse(time.RFC3339, b.At)
		if err != nil {
			return nil, forbidden("statement: signing time %q is not RFC 3339", b.At)
		}
		if d := t.Sub(env.Policy.Now); d > ClockSkew || d < -ClockSkew {
			return nil, &attest.Error{Code: attest.ECONFLICT, Message: "the statement was signed at " + b.At + ", too far from now: sign again"}
		}
		at = b.At
	}
	text, err := auditsig.Encode(auditsig.Body{V: auditsig.Version, Engagement: e.ID, Key: k.Fingerprint, Seq: seq + 1, Prev: prev, Kind: kind, At: at, Auditor: actor.ID, Act: raw})
	if err != nil {
		return nil, err
	}
	if sl.Statement == "" {
		return nil, &ToSign{Key: k.Fingerprint, Statement: text}
	}
	if sl.Statement != text {
		return nil, &attest.Error{Code: attest.ECONFLICT, Message: "the signed statement is not the act as it would be recorded now (it differs, or another act was recorded meanwhile): sign again",
			Hint: "the act as it stands: " + text}
	}
	pub, err := auditsig.ParsePublic(k.PublicKey)
	if err != nil {
		return nil, err
	}
	if err := auditsig.Check(pub, text, sl.Signature); err != nil {
		return nil, forbidden("%v: an auditor act must be %s (%s)", err, SignedByKey, k.Fingerprint)
	}
	return &attest.Statement{EngagementID: e.ID, Key: k.Fingerprint, Seq: seq + 1, Prev: prev, Kind: kind, Hash: auditsig.Hash(text), Body: text, Signature: sl.Signature}, nil
}

// signedChange is ch carrying st.
func signedChange(ch attest.Change, st *attest.Statement) attest.Change {
	ch.Statement = st
	return ch
}
