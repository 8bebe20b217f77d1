package main

import (
	"context"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
)

// auditorKeyFile is --auditor-key, or ATTEST_AUDITOR_KEY.
func (m *Main) auditorKeyFile() string {
	if m.cfg.auditorKey != "" {
		return m.cfg.auditorKey
	}
	return m.Getenv("ATTEST_AUDITOR_KEY")
}

// keyHolder reads the auditor's key file at path and finds who acts
// with it on e: the account the key is enrolled for.
func keyHolder(ctx context.Context, d *data, e *attest.Engagement, path string) (*fieldwork.KeyFile, *attest.User, error) {
	sg, err := fieldwork.OpenKeyFile(path)
	if err != nil {
		return nil, nil, err
	}
	u, err := fieldwork.KeyHolder(ctx, d.db, e, sg.Fingerprint())
	return sg, u, err
}

// auditorAct is the environment, the acting auditor and the signer of an
// auditor act on a data directory: the account is the one the key is
// enrolled for on the engagement, never a name given with --as.
func (m *Main) auditorAct(ctx context.Context, d *data, e *attest.Engagement) (fieldwork.Env, *attest.User, *fieldwork.KeyFile, attest.Change, error) {
	path := m.auditorKeyFile()
	if path == "" {
		return fieldwork.Env{}, nil, nil, attest.Change{}, &attest.Error{Code: attest.EFORBIDDEN, Message: "an auditor act must be " + fieldwork.SignedByKey + ": give --auditor-key FILE (or ATTEST_AUDITOR_KEY)",
			Hint: "the auditor makes a key with attest auditor keygen --out FILE on their own machine and enrolls it with attest engagement auditor enroll"}
	}
	if m.cfg.as != "" {
		return fieldwork.Env{}, nil, nil, attest.Change{}, attest.Errorf(attest.EINVALID, "--as is not taken for the auditor's acts: the enrolled key says who acts")
	}
	env, err := m.fieldworkEnv(ctx, d)
	if err != nil {
		return env, nil, nil, attest.Change{}, err
	}
	sg, u, err := keyHolder(ctx, d, e, path)
	if err != nil {
		return env, nil, nil, attest.Change{}, err
	}
	return env, u, sg, attest.ChangeBy(u, m.Now()), nil
}

// auditorCall is what a signed auditor act runs with: the fieldwork
// environment, the acting auditor's account and the change recorded.
type auditorCall struct {
	env   fieldwork.Env
	actor *attest.User
	ch    attest.Change
}

// signedAct is the body every auditor act on a data directory shares: the
// auditor found by their key (auditorAct), the act signed with it and kept
// in their journal (fieldwork.SignedKept), then a checkpoint over the ledger.
func signedAct[T any](ctx context.Context, m *Main, d *data, e *attest.Engagement, act func(c auditorCall, sl fieldwork.Seal) (T, error)) (T, error) {
	var zero T
	env, actor, sg, ch, err := m.auditorAct(ctx, d, e)
	if err != nil {
		return zero, err
	}
	r, err := fieldwork.SignedKept(sg, func(sl fieldwork.Seal) (T, error) { return act(auditorCall{env, actor, ch}, sl) })
	if err != nil {
		return zero, err
	}
	if _, err := d.checkpoint(ctx); err != nil {
		return zero, err
	}
	return r, nil
}
