package collect

import (
	"encoding/json"
	"io"
	"strings"
)

// OktaUsers reads an Okta user list (the JSON array GET /api/v1/users
// returns). Each user becomes an "idp.user" record with its login, email,
// status (lowercase) and last login; the whole profile is kept.
func OktaUsers(name string, r io.Reader) (*Result, error) {
	res := &Result{Records: []Record{}, Problems: []Problem{}}
	var users []map[string]json.RawMessage
	if err := json.NewDecoder(r).Decode(&users); err != nil {
		return nil, &jsonError{name, err}
	}
	for i, u := range users {
		var id, status string
		var profile map[string]any
		json.Unmarshal(u["id"], &id)
		json.Unmarshal(u["status"], &status)
		if err := json.Unmarshal(u["profile"], &profile); err != nil || id == "" {
			res.problem(name, 0, "user %d: want an id and a profile object", i+1)
			continue
		}
		f := map[string]any{"status": strings.ToLower(status), "profile": profile}
		for _, k := range []string{"login", "email", "firstName", "lastName"} {
			f[strings.ToLower(k)] = profile[k]
		}
		for _, k := range []string{"created", "activated", "statusChanged", "lastLogin", "lastUpdated", "passwordChanged"} {
			var s string
			json.Unmarshal(u[k], &s)
			t, ok := timeOf(s)
			f[snake(k)] = stamp(t, ok)
		}
		var cred struct {
			Provider struct {
				Type string `json:"type"`
			} `json:"provider"`
		}
		json.Unmarshal(u["credentials"], &cred)
		f["provider"] = strings.ToLower(cred.Provider.Type)
		res.Records = append(res.Records, Record{Type: "idp.user", ID: id, Fields: f, Source: name})
	}
	return res, nil
}

type jsonError struct {
	name string
	err  error
}

func (e *jsonError) Error() string { return e.name + ": not the expected JSON: " + e.err.Error() }
