package web

import (
	"net/http"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
)

// Users and API tokens, for administrators: what attest user and attest
// token do, in the browser and the API. Passwords are kept as argon2id
// hashes, tokens as SHA-256; a generated password or a new token's secret
// is shown once, in the answer that creates it.

var adminOnly = []string{attest.RoleAdmin}

// usersData is the users page: the accounts, the roles to choose from,
// and the account just added with its generated password, shown once.
type usersData struct {
	Layout
	Users    []attest.User
	Roles    []string
	Added    *attest.User
	Password string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return s.renderUsers(w, r, u, http.StatusOK, &usersData{})
}

// renderUsers answers the accounts: as JSON under the API (the users
// page's twin), else the users page with code and what data already
// holds.
func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, u *attest.User, code int, data *usersData) error {
	us, err := auth.Accounts(r.Context(), s.cfg.Store, u)
	if underAPI(r) {
		return answerJSON(w, us, err)
	}
	if err != nil {
		return err
	}
	data.Title, data.Users, data.Roles = "Users", us, attest.Roles
	return s.renderStatus(w, r, code, "admin-users", u, data)
}

// addUser adds a user; without a password one is generated and shown once.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	password := firstValue(in, "password")
	added, err := auth.AddUser(r.Context(), s.cfg.Store, s.actorChange(u), u, auth.NewUser{
		Email: in.str("email"), Name: in.str("name"), Role: in.str("role"), Password: password,
		Service: in.str("service") == "true" || in.str("service") == "on"})
	if err != nil {
		return err
	}
	saved, generated, password := added.User, added.Generated != "", added.Generated
	s.checkpointAfterWrite(r.Context())
	if underAPI(r) {
		// The generated password is in this answer only.
		writeJSON(w, http.StatusCreated, struct {
			User     *attest.User `json:"user"`
			Password string       `json:"password,omitempty"`
		}{saved, password})
		return nil
	}
	shown := &usersData{Added: saved}
	if generated {
		shown.Password = password
	}
	return s.renderUsers(w, r, u, http.StatusCreated, shown)
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return adminAct(s, w, r, "uid", "/admin/users", func(id int64) (*attest.User, bool, error) {
		return auth.DisableUser(r.Context(), s.cfg.Store, s.actorChange(u), u, id)
	})
}

// adminAct is an admin's act on the account or token numbered in the path
// (name): the act, a checkpoint when it changed anything, and the answer
// (JSON, or back to the page next).
func adminAct[T any](s *Server, w http.ResponseWriter, r *http.Request, name, next string, act func(id int64) (T, bool, error)) error {
	id, err := pathNumber(r, name)
	if err != nil {
		return err
	}
	v, changed, err := act(id)
	if err != nil {
		return err
	}
	if changed {
		s.checkpointAfterWrite(r.Context())
	}
	answerWrite(w, r, http.StatusOK, v, next)
	return nil
}

// tokenViews are the tokens with their holders' addresses, and the
// accounts a token can be made for.
func (s *Server) tokenViews(r *http.Request, u *attest.User) ([]auth.HeldToken, []attest.User, error) {
	us, err := auth.Accounts(r.Context(), s.cfg.Store, u)
	if err != nil {
		return nil, nil, err
	}
	ts, err := auth.Tokens(r.Context(), s.cfg.Store, u)
	if err != nil {
		return nil, nil, err
	}
	return ts, us, nil
}

// tokensData is the tokens page: every token, the accounts a token can
// be made for, and the token just created with its secret, shown once.
type tokensData struct {
	Layout
	Tokens  []auth.HeldToken
	Users   []attest.User
	Created *auth.HeldToken
	Secret  string
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return s.renderTokens(w, r, u, http.StatusOK, &tokensData{})
}

// renderTokens answers the tokens: as JSON under the API (the tokens
// page's twin), else the tokens page with code and what data already
// holds.
func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, u *attest.User, code int, data *tokensData) error {
	ts, us, err := s.tokenViews(r, u)
	if underAPI(r) {
		return answerJSON(w, ts, err)
	}
	if err != nil {
		return err
	}
	data.Title, data.Tokens, data.Users = "API tokens", ts, us
	return s.renderStatus(w, r, code, "admin-tokens", u, data)
}

// createToken makes a token for a user; its secret is in this answer only.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	nt, err := auth.CreateToken(r.Context(), s.cfg.Store, s.actorChange(u), u, in.str("user"), in.str("name"))
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	if underAPI(r) {
		writeJSON(w, http.StatusCreated, struct {
			Token  auth.HeldToken `json:"token"`
			Secret string         `json:"secret"`
		}{nt.Held(), nt.Secret})
		return nil
	}
	held := nt.Held()
	return s.renderTokens(w, r, u, http.StatusCreated, &tokensData{Secret: nt.Secret, Created: &held})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return adminAct(s, w, r, "tid", "/admin/tokens", func(id int64) (*attest.Token, bool, error) {
		return auth.RevokeToken(r.Context(), s.cfg.Store, s.actorChange(u), u, id)
	})
}
