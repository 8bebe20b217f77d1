package workpapers

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"

	"github.com/attest-dev/attest"
)

// Copy is an export read back as the records the auditor's checks need
// (fieldwork.AuditStore and fieldwork.JournalStore), so attest auditor
// verify --export judges the auditor's statements from the export alone.
type Copy struct {
	Engagement    attest.Engagement
	KeyList       []attest.AuditorKey
	StatementList []attest.Statement
	TestList      []attest.Test
	DrawList      []attest.Draw
	Populations   []attest.Population
}

// Read reads an export's records (Verify checks its signatures and
// proofs; this reads what it holds).
func Read(r io.ReaderAt, size int64) (*Copy, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "not a ZIP file: %v", err)
	}
	c := &Copy{}
	want := map[string]any{"engagement.json": &c.Engagement, "auditor_keys.json": &c.KeyList, "statements.json": &c.StatementList,
		"tests.json": &c.TestList, "draws.json": &c.DrawList, "populations.json": &c.Populations}
	for _, f := range zr.File {
		v, ok := want[f.Name]
		if !ok {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		err = json.NewDecoder(io.LimitReader(rc, 1<<30)).Decode(v)
		rc.Close()
		if err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%s: %v", f.Name, err)
		}
		delete(want, f.Name)
	}
	for name := range want {
		return nil, attest.Errorf(attest.EINVALID, "the export has no %s: it is not an Attest working-papers export of this version", name)
	}
	return c, nil
}

// Engagements is the export's one engagement.
func (c *Copy) Engagements(context.Context) ([]attest.Engagement, error) {
	return []attest.Engagement{c.Engagement}, nil
}

// AuditorKeys are the export's enrolled keys.
func (c *Copy) AuditorKeys(_ context.Context, id string) ([]attest.AuditorKey, error) {
	if id != c.Engagement.ID {
		return []attest.AuditorKey{}, nil
	}
	return c.KeyList, nil
}

// Statements are the export's statements.
func (c *Copy) Statements(_ context.Context, id string) ([]attest.Statement, error) {
	if id != "" && id != c.Engagement.ID {
		return []attest.Statement{}, nil
	}
	return append([]attest.Statement{}, c.StatementList...), nil
}

// Tests are the export's tests of the auditor.
func (c *Copy) Tests(_ context.Context, id, control string) ([]attest.Test, error) {
	var out []attest.Test
	for _, t := range c.TestList {
		if t.EngagementID == id && (control == "" || t.ControlID == control) {
			out = append(out, t)
		}
	}
	return out, nil
}

// Draws are the export's draws.
func (c *Copy) Draws(_ context.Context, id, control string) ([]attest.Draw, error) {
	var out []attest.Draw
	for _, d := range c.DrawList {
		if d.EngagementID == id && (control == "" || d.ControlID == control) {
			out = append(out, d)
		}
	}
	return out, nil
}

// Population is one of the export's populations.
func (c *Copy) Population(_ context.Context, id int64) (*attest.Population, error) {
	for i := range c.Populations {
		if c.Populations[i].ID == id {
			return &c.Populations[i], nil
		}
	}
	return nil, attest.Errorf(attest.ENOTFOUND, "no population %d in the export", id)
}
