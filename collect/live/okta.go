package live

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/collect"
)

// oktaNeed is said when Okta refuses the token.
const oktaNeed = "the API token must belong to an administrator who may read users " +
	"(for example the Read-Only Administrator role; okta.users.read for OAuth); set OKTA_API_TOKEN or okta.token"

// Okta reads an Okta organization's users from its Users API.
type Okta struct {
	BaseURL string       // the organization's address, https://example.okta.com
	Token   Secret       // an API token (sent as "SSWS <token>")
	HTTP    *http.Client // nil: http.DefaultClient
	Log     *slog.Logger // nil: no log

	// Sleep waits between retries; nil waits for real. Tests replace it.
	Sleep func(context.Context, time.Duration) error
}

// oktaQueries are the user lists read. Okta's plain list leaves out
// deprovisioned users unless asked for them, and they are the evidence that
// leavers lost access.
var oktaQueries = []struct{ label, ref string }{
	{"okta users", "/api/v1/users?limit=200"},
	{"okta deprovisioned users", "/api/v1/users?limit=200&filter=" + url.QueryEscape(`status eq "DEPROVISIONED"`)},
}

// Collect returns an "idp.user" record for every user, deprovisioned ones
// included, read page by page with collect.OktaUsers.
func (o *Okta) Collect(ctx context.Context) (*collect.Result, error) {
	a, err := o.api()
	if err != nil {
		return nil, err
	}
	res := &collect.Result{Records: []collect.Record{}, Problems: []collect.Problem{}}
	seen := map[string]bool{}
	for _, q := range oktaQueries {
		err := a.pages(ctx, q.ref, func(n int, body []byte) error {
			page, err := collect.OktaUsers(fmt.Sprintf("%s page %d", q.label, n), bytes.NewReader(body))
			if err != nil {
				return &attest.Error{Code: attest.EUNAVAILABLE, Message: a.redact(err.Error())}
			}
			for _, r := range page.Records {
				if !seen[r.ID] {
					seen[r.ID] = true
					r.Source = "okta"
					res.Records = append(res.Records, r)
				}
			}
			res.Problems = append(res.Problems, page.Problems...)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (o *Okta) api() (*api, error) {
	if o.Token == "" {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "okta: no API token", Hint: "set OKTA_API_TOKEN or okta.token in the config file"}
	}
	if o.BaseURL == "" {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "okta: no organization address", Hint: "set OKTA_ORG_URL or okta.org_url in the config file"}
	}
	a, err := newAPI("okta", o.BaseURL, o.Token)
	if err != nil {
		return nil, err
	}
	a.client, a.log, a.sleep, a.need = o.HTTP, logger(o.Log), o.Sleep, oktaNeed
	a.scheme = "SSWS"
	return a, nil
}
