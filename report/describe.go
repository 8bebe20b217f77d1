package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
)

// DescriptionStore is what SaveDescription reads and writes.
type DescriptionStore interface {
	Documents
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	AddDocument(ctx context.Context, ch attest.Change, d attest.Document) (*attest.Document, error)
}

// DescriptionEdit is a new version of the description inputs to save.
type DescriptionEdit struct {
	Engagement *attest.Engagement
	// Name names the content in messages: the file, or the part set.
	Name    string
	Content []byte
	// Replace allows the new version to leave out parts the current one
	// answers; without it such a version is refused.
	Replace bool
	// DryRun works out the changes and gaps and saves nothing.
	DryRun bool
}

// PartChange is one answered part that a new version adds, changes or
// removes, named by its path in the file (services.text, cuecs.items).
type PartChange struct {
	Part   string `json:"part"`
	Change string `json:"change"` // added, changed or removed
	Old    string `json:"old,omitempty"`
	New    string `json:"new,omitempty"`
}

// SavedDescription is what SaveDescription did: the document kept (nil
// when nothing changed, or on a dry run), the changes from the version
// before, and the gaps of the version now current.
type SavedDescription struct {
	Document *attest.Document `json:"document"`
	Changes  []PartChange     `json:"changes"`
	Gaps     []Gap            `json:"gaps"`
}

// Removed lists the parts the changes remove.
func (s *SavedDescription) Removed() []string {
	var out []string
	for _, c := range s.Changes {
		if c.Change == "removed" {
			out = append(out, c.Part)
		}
	}
	return out
}

// SaveDescription keeps a new version of the engagement's description
// inputs for actor (nil: the local operator), the one workflow behind
// `attest description set` and the demo. The description is management's:
// admins and compliance managers write it, never the service auditor. The
// new version is compared with the current one part by part; a version
// that would remove answered parts is refused unless edit.Replace (the
// result still lists the changes, so the caller can show them), and one
// that changes nothing is not kept again.
func SaveDescription(ctx context.Context, s DescriptionStore, blobs blob.Store, ch attest.Change, actor *attest.User, edit DescriptionEdit) (*SavedDescription, error) {
	if err := mayDescribe(actor); err != nil {
		return nil, err
	}
	e := edit.Engagement
	next, err := ParseDescription(edit.Name, edit.Content)
	if err != nil {
		return nil, err
	}
	cur, _, err := LoadDescription(ctx, s, blobs, e.ID)
	if err != nil {
		return nil, err
	}
	ctls, err := s.Controls(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	out := &SavedDescription{Changes: DiffDescriptions(cur, next), Gaps: next.Check(e, attest.ControlIDs(ctls))}
	if out.Changes == nil {
		out.Changes = []PartChange{}
	}
	if out.Gaps == nil {
		out.Gaps = []Gap{}
	}
	if removed := out.Removed(); len(removed) > 0 && !edit.Replace {
		// The adapters add the hint: how to replace is theirs to say.
		return out, &attest.Error{Code: attest.EINVALID,
			Message: fmt.Sprintf("%s would remove %d answered part(s) of the description inputs: %s", edit.Name, len(removed), listParts(removed))}
	}
	if len(out.Changes) == 0 || edit.DryRun {
		return out, nil
	}
	ref, size, err := blobs.Put(bytes.NewReader(edit.Content))
	if err != nil {
		return nil, err
	}
	out.Document, err = s.AddDocument(ctx, ch, attest.Document{EngagementID: e.ID, Kind: attest.DocDescription, Name: "description.yaml",
		MediaType: "application/yaml", Ref: string(ref), Size: size})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mayDescribe: the description is management's to write.
func mayDescribe(actor *attest.User) error {
	if actor == nil {
		return nil
	}
	switch actor.Role {
	case attest.RoleAdmin, attest.RoleCompliance:
		return nil
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "your role (" + actor.Role + ") may not change the description: it is management's, written by an admin or a compliance manager"}
}

func listParts(l []string) string {
	if len(l) > 6 {
		return strings.Join(l[:5], ", ") + " and " + strconv.Itoa(len(l)-5) + " more"
	}
	return strings.Join(l, ", ")
}

// DiffDescriptions lists the answered parts that differ between two
// versions, in the file's order: text and reasons by their path, each list
// (incidents, CUECs, vendors...) as one part.
func DiffDescriptions(old, next *Description) []PartChange {
	a, b := flatten(old).values, flatten(next).values
	var out []PartChange
	for _, p := range flatten(nil).order {
		ov, inOld := a[p]
		nv, inNew := b[p]
		switch {
		case inNew && !inOld:
			out = append(out, PartChange{Part: p, Change: "added", New: nv})
		case inOld && !inNew:
			out = append(out, PartChange{Part: p, Change: "removed", Old: ov})
		case inOld && ov != nv:
			out = append(out, PartChange{Part: p, Change: "changed", Old: ov, New: nv})
		}
	}
	return out
}

// flatDescription is a description's answered parts by path (values),
// or, for flatten(nil), every path a description can have in the file's
// order (order).
type flatDescription struct {
	order  []string
	values map[string]string
}

// flatten lists a description's answered parts with their values: text as
// it is, a list as its JSON, a flag when set. Empty text and lists are
// unanswered. Paths follow the YAML keys, in the struct's order.
func flatten(d *Description) flatDescription {
	out := flatDescription{values: map[string]string{}}
	all := d == nil
	if all {
		d = &Description{SOC1: &SOC1Description{}}
	}
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(prefix, v.Elem())
			}
			return
		case reflect.Struct:
			t := v.Type()
			for i := range t.NumField() {
				name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
				if name == "" || name == "-" {
					continue
				}
				walk(join(prefix, name), v.Field(i))
			}
			return
		}
		if all {
			out.order = append(out.order, prefix)
			return
		}
		switch v.Kind() {
		case reflect.String:
			if strings.TrimSpace(v.String()) != "" {
				out.values[prefix] = v.String()
			}
		case reflect.Slice:
			if v.Len() > 0 {
				b, _ := json.Marshal(v.Interface())
				out.values[prefix] = string(b)
			}
		case reflect.Bool:
			if v.Bool() {
				out.values[prefix] = "true"
			}
		default:
			// A kind of field the description may gain later (a number,
			// a map) still shows in the diff.
			if !v.IsZero() {
				b, _ := json.Marshal(v.Interface())
				out.values[prefix] = string(b)
			}
		}
	}
	walk("", reflect.ValueOf(d))
	return out
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}
