package web

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/people"
)

// The roster and its checklists on the web: the roster, a person with
// their onboarding and offboarding items, the import with its diff, and
// the items late across the roster. Who reads what is people's to decide
// (Roster, Show, Checklist): management everything, a manager their
// reports, an assignee the items given to them, the auditor nothing.

// completions decides acknowledgement and training items for the
// people workflows: the store's acknowledgement and training records, as
// of the server's clock.
func (s *Server) completions() people.Completions { return people.RecordsOf(s.cfg.Store, s.cfg.Now()) }

// rosterPage is the roster with each person's progress.
type rosterPage struct {
	Layout
	R *people.RosterView
	// Rows are the people on this page of the table.
	Rows               []people.Entry
	Pager              pager
	Status, Department string
	Manages            bool
}

func (s *Server) peoplePage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	q := people.RosterQuery{Status: r.URL.Query().Get("status"), Department: r.URL.Query().Get("department")}
	v, err := people.Roster(r.Context(), s.cfg.Store, s.completions(), u, q, s.cfg.Now())
	if err != nil {
		return err
	}
	title := "People"
	if v.Reports {
		title = "Your reports"
	}
	p := &rosterPage{Layout: Layout{Title: title, MainClass: "people", OrgWide: true}, R: v, Status: q.Status, Department: q.Department, Manages: attest.Manages(u)}
	p.Rows, p.Pager = paged(v.People, r.URL.Query())
	return s.show(w, r, u, v, "people", p)
}

// personPage is one person with the items the reader may see, and the
// forms they may use.
type personPage struct {
	Layout
	P       *people.Profile
	Manages bool
	// Mine are the open task items the reader may mark done.
	Mine []people.ItemStatus
	// Open are the items not done yet, for management's assign form.
	Open  []people.ItemStatus
	Today string
}

func (s *Server) personPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	today := s.cfg.Now().UTC().Format(time.DateOnly)
	pr, err := people.Show(r.Context(), s.cfg.Store, s.completions(), u, r.PathValue("person"), today)
	if err != nil {
		return err
	}
	p := &personPage{Layout: Layout{Title: cmp.Or(pr.Person.Name, pr.Person.Email), MainClass: "people", OrgWide: true}, P: pr, Manages: attest.Manages(u), Today: today}
	p.Open, p.Mine = pr.ToDo(u)
	return s.show(w, r, u, pr, "person", p)
}

// maxDone bounds an item marked done with its evidence files.
const maxDone = maxUpload

// checklistDone marks a task item done (the assignee, or management
// naming who did it), with evidence files when sent as multipart: by,
// on, note, file.
func (s *Server) checklistDone(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id, err := pathNumber(r, "item")
	if err != nil {
		return err
	}
	req, err := s.doneInput(w, r)
	if err != nil {
		return err
	}
	req.Item = id
	got, err := people.Done(r.Context(), s.cfg.Store, s.cfg.Blobs, s.completions(), s.actorChange(u), u, req)
	if err != nil {
		return err
	}
	flash := fmt.Sprintf("%s: done on %s.", got.Item.Title, got.Item.DoneOn)
	if got.Evidence != 0 {
		flash += fmt.Sprintf(" The file is evidence %d for %s.", got.Evidence, strings.Join(got.Item.Controls, ", "))
	}
	if got.Checklist != nil {
		flash += fmt.Sprintf(" The %s checklist is complete: evidence %d.", got.Item.Checklist, got.Checklist.ID)
	}
	return s.written(w, r, http.StatusOK, got, personURL(got.Item.PersonID), flash)
}

// personURL is where a person's page is.
func personURL(id int64) string { return "/program/people/" + strconv.FormatInt(id, 10) }

// doneInput reads the done form: multipart with its files staged, or a
// plain form or JSON without files. Files already staged are dropped
// when the rest cannot be read.
func (s *Server) doneInput(w http.ResponseWriter, r *http.Request) (people.DoneRequest, error) {
	var req people.DoneRequest
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		in, err := readFormInput(w, r)
		if err != nil {
			return req, err
		}
		req.By, req.On, req.Note = in.str("by"), in.str("on"), in.str("note")
		return req, nil
	}
	if s.cfg.Blobs == nil {
		return req, &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no evidence store"}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxDone)
	mr, err := r.MultipartReader()
	if err != nil {
		return req, invalid("the form could not be read")
	}
	up := multipartUpload{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.cfg.Blobs.Abort(up.pending())
			return req, unreadable()
		}
		if part.FormName() == "file" {
			if _, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition")); params["filename"] == "" {
				continue // the file field left empty
			}
			err = up.file(s.cfg.Blobs, part)
		} else {
			var v string
			if v, err = field(part, 4096); err == nil {
				switch part.FormName() {
				case "by":
					req.By = v
				case "on":
					req.On = v
				case "note":
					req.Note = v
				}
			}
		}
		if err != nil {
			s.cfg.Blobs.Abort(up.pending())
			return req, err
		}
	}
	req.Evidence = up.req.Items
	return req, nil
}

// checklistAssign gives an item to another account (management).
func (s *Server) checklistAssign(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id, in, err := numberedForm(w, r, "item")
	if err != nil {
		return err
	}
	to := in.str("to")
	if to == "" {
		return fieldError("to", "name the account that does the item (its e-mail address)")
	}
	it, err := people.Assign(r.Context(), s.cfg.Store, s.actorChange(u), u, id, to)
	if err != nil {
		return err
	}
	return s.written(w, r, http.StatusOK, it, personURL(it.PersonID), fmt.Sprintf("%s is now %s's to do.", it.Title, it.Assignee))
}

// importPage is the roster import: the form, then the diff of the file
// sent with the form that records it.
type importPage struct {
	Layout
	Got *people.Imported
	// Name, Contents and Owners are carried from the upload to the
	// confirmation, which records exactly the file whose diff is shown.
	Name, Contents, Owners, Error string
}

// peopleImportPage is the import form, for management (the route's roles,
// as people.Import decides).
func (s *Server) peopleImportPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return s.renderStatus(w, r, http.StatusOK, "people-import", u, &importPage{Layout: Layout{Title: "Import the roster", MainClass: "people", OrgWide: true}})
}

// maxRoster bounds a roster file.
const maxRoster = 16 << 20

// peopleImport reads a roster file (multipart field file, or the
// confirmation's contents) and answers its diff; nothing is recorded
// until confirm names the SHA-256 of the very file whose diff was shown.
func (s *Server) peopleImport(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxRoster)
	if err := r.ParseMultipartForm(maxRoster); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return invalid("the form could not be read (a roster file of at most 16 MiB)")
	}
	name, data := strings.TrimSpace(r.FormValue("name")), []byte(r.FormValue("contents"))
	if f, h, err := r.FormFile("file"); err == nil {
		defer f.Close()
		if data, err = io.ReadAll(f); err != nil {
			return invalid("file: the file could not be read")
		}
		name = h.Filename
	}
	if len(data) == 0 {
		return fieldError("file", "send the roster as a CSV file")
	}
	if name == "" {
		name = "roster.csv"
	}
	req := people.ImportRequest{Name: name, Data: data, Preview: true, Shown: strings.TrimSpace(r.FormValue("confirm"))}
	var err error
	if req.Owners, err = people.ParseOwners(r.Form["owner"]); err != nil {
		return fieldError("owner", "%s", attest.ErrorMessage(err))
	}
	got, err := people.Import(r.Context(), s.cfg.Store, s.actorChange(u), u, req)
	if err == people.ErrNotShown {
		return fieldError("confirm", "%s", attest.ErrorMessage(err))
	}
	if refusedOnPage(r, err) {
		p := &importPage{Layout: Layout{Title: "Import the roster", MainClass: "people", OrgWide: true}, Error: attest.ErrorMessage(err)}
		return s.renderStatus(w, r, http.StatusBadRequest, "people-import", u, p)
	}
	if err != nil {
		return err
	}
	if got.Recorded {
		flash := fmt.Sprintf("The roster is recorded: %d added, %d changed, %d checklist items opened.", len(got.Diff.Added), len(got.Diff.Changed), len(got.Items))
		if len(got.Redated) > 0 {
			flash += fmt.Sprintf(" %d open items moved with their person's start or end date.", len(got.Redated))
		}
		return s.written(w, r, http.StatusOK, got, "/program/people", flash)
	}
	p := &importPage{Layout: Layout{Title: "Import the roster: what would change", MainClass: "people", OrgWide: true}, Got: got, Name: name, Contents: string(data), Owners: strings.Join(r.Form["owner"], ", ")}
	return s.show(w, r, u, got, "people-import", p)
}

// checklistsPage is the items overdue or done late across the roster,
// grouped by person or by control.
type checklistsPage struct {
	Layout
	By string
	// Groups are the groups of this page's rows (a group may go on over
	// the next page).
	Groups []itemGroup
	Count  int
	Pager  pager
	// Manages: the reader sees every item (management), not only theirs.
	Manages bool
}

// itemGroup is a page's part of the items of one person or one control.
type itemGroup struct {
	people.Group
	// Total is how many items the whole group has, on every page.
	Total int
}

// checklistsPage answers the items ungrouped and, added later, grouped
// as the page shows them (by=person or control), every item.
func (s *Server) checklistsPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	by := cmp.Or(r.URL.Query().Get("by"), people.ByPerson)
	if err := people.CheckGrouping(by); err != nil {
		return err
	}
	q := people.ChecklistQuery{Overdue: true, Late: true, Person: r.URL.Query().Get("person")}
	its, err := people.Checklist(r.Context(), s.cfg.Store, s.completions(), u, q, s.cfg.Now())
	if err != nil {
		return err
	}
	groups, err := people.GroupItems(its, by)
	if err != nil {
		return err
	}
	p := &checklistsPage{Layout: Layout{Title: "Checklist items late", MainClass: "people", OrgWide: true}, By: by, Count: len(its), Manages: attest.Manages(u)}
	p.Groups, p.Pager = pagedGroups(groups, r.URL.Query())
	return s.show(w, r, u, map[string]any{"items": its, "groups": groups}, "checklists", p)
}

// pagedGroups is the page of the groups' rows the query asks for, as
// groups again: the rows are the groups' items one after another, so a
// long group goes on over the next page.
func pagedGroups(groups []people.Group, q url.Values) ([]itemGroup, pager) {
	type row struct {
		group int
		item  people.ItemStatus
	}
	var rows []row
	for i, g := range groups {
		for _, it := range g.Items {
			rows = append(rows, row{i, it})
		}
	}
	window, p := paged(rows, q)
	var out []itemGroup
	for i, x := range window {
		if i == 0 || window[i-1].group != x.group {
			g := groups[x.group]
			out = append(out, itemGroup{Group: people.Group{Key: g.Key, Label: g.Label, PersonID: g.PersonID}, Total: len(g.Items)})
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, x.item)
	}
	return out, p
}
