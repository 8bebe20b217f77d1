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
	"github.com/attest-dev/attest/catalog"
	"gopkg.in/yaml.v3"
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
	// Part, when given, sets one part of the current version instead:
	// its dotted path (services.text, incidents.none) to Value; Content
	// and Name are then those of the result.
	Part, Value string
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
	cur, raw, err := LoadDescription(ctx, s, blobs, e.ID)
	if err != nil {
		return nil, err
	}
	if edit.Part != "" {
		if edit.Content, err = SetPart(raw, edit.Part, edit.Value); err != nil {
			return nil, err
		}
		edit.Name = edit.Part
	}
	next, err := ParseDescription(edit.Name, edit.Content)
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
			Message: fmt.Sprintf("%s would remove %s of the description inputs: %s", edit.Name, attest.Count(len(removed), "answered part", "answered parts"), listParts(removed))}
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

// SetPart sets one part of a description document (YAML; none yet is
// empty), named by its dotted path, to value. A path through a part that
// is not a group, to a group of parts, or to a list is refused: those are
// set from a whole file.
func SetPart(cur []byte, path, value string) ([]byte, error) {
	doc := map[string]any{}
	if len(cur) > 0 {
		if err := yaml.Unmarshal(cur, &doc); err != nil {
			return nil, err
		}
	}
	keys := strings.Split(path, ".")
	node := doc
	for i, k := range keys[:len(keys)-1] {
		next, ok := node[k].(map[string]any)
		if !ok {
			if node[k] != nil {
				return nil, attest.Errorf(attest.EINVALID, "%s is not a group of parts: set it from a file (attest description set --file)", strings.Join(keys[:i+1], "."))
			}
			next = map[string]any{}
			node[k] = next
		}
		node = next
	}
	last := keys[len(keys)-1]
	if _, isMap := node[last].(map[string]any); isMap {
		return nil, attest.Errorf(attest.EINVALID, "%s holds several parts: name one (e.g. %s.text or %s.none)", path, path, path)
	}
	if _, isList := node[last].([]any); isList {
		return nil, attest.Errorf(attest.EINVALID, "%s is a list: set it from a file (attest description set --file)", path)
	}
	node[last] = value
	return yaml.Marshal(doc)
}

// DescriptionCheck is what the description inputs still lack for an
// engagement: the gaps, the complementary subservice organization controls
// its carved-out subservice organizations call for and the description
// does not list, and the third parties it names with their roles.
type DescriptionCheck struct {
	Engagement   string         `json:"engagement"`
	Gaps         []Gap          `json:"gaps"`
	MissingCSOCs []MissingCSOCs `json:"missing_csocs"`
	ThirdParties []ThirdParty   `json:"third_parties"`
}

// CheckDescription checks e's current description inputs against its
// controls and the catalog.
func CheckDescription(ctx context.Context, s interface {
	Documents
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
}, blobs blob.Store, e *attest.Engagement, cat *catalog.Catalog) (*DescriptionCheck, error) {
	desc, _, err := LoadDescription(ctx, s, blobs, e.ID)
	if err != nil {
		return nil, err
	}
	ctls, err := s.Controls(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	return &DescriptionCheck{Engagement: e.ID, Gaps: attest.OrEmpty(desc.Check(e, attest.ControlIDs(ctls))), MissingCSOCs: attest.OrEmpty(desc.MissingCSOCs(cat, e)),
		ThirdParties: attest.OrEmpty(desc.ThirdPartyRoles())}, nil
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
