package live

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Limits on waiting. A rate limit that resets later than maxWait is reported
// rather than slept through: the user can run again when it has reset.
const (
	serverAttempts = 4               // tries of a request the server fails (5xx, broken connection)
	rateWaits      = 3               // rate-limit waits for one request
	maxWait        = 5 * time.Minute // longest single wait for a rate limit
	defaultWait    = time.Minute     // a rate limit that does not say how long
	maxBody        = 64 << 20        // largest response read
	maxPages       = 10000           // a server whose "next" links never end
	firstBackoff   = 1 * time.Second // after the first server failure, doubled after each
)

// api is what the GitHub and Okta connectors share: authenticated GETs of
// JSON with retries, the vendors' rate-limit headers, Link pagination, and
// errors that name the connector and never the credential.
type api struct {
	name   string       // the connector, first word of every message
	base   *url.URL     // scheme, host and path prefix of every request
	client *http.Client // nil: http.DefaultClient
	token  Secret       // only for the header and for redaction
	scheme string       // of the Authorization header: "Bearer", "SSWS"
	need   string       // what the credential must allow, said when it is refused
	log    *slog.Logger
	sleep  func(context.Context, time.Duration) error
}

// response is one answered request.
type response struct {
	status int
	header http.Header
	body   []byte
	path   string
}

// newAPI checks the base URL: the token goes to it, so it must be https
// (plain http only for this machine, as in tests).
func newAPI(name, base string, token Secret) (*api, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: name + ": the API address is not a URL"}
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, &attest.Error{Code: attest.EINVALID, Message: name + ": the API address " + strconv.Quote(u.Redacted()) + " is not an http(s) URL"}
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return nil, &attest.Error{Code: attest.EINVALID, Message: name + ": the API address " + u.Redacted() + " is plain http, which would send the token unencrypted",
			Hint: "use an https:// address"}
	}
	if u.User != nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: name + ": the API address must not carry a user name or password"}
	}
	return &api{name: name, base: u, token: token}, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// get fetches ref, a path below the base URL or a next-page link the server
// gave. Server failures and rate limits are retried; 401 and 403 become
// errors that say the credential was refused. Any other status is returned
// for the caller to judge.
func (a *api) get(ctx context.Context, ref string) (*response, error) {
	u, err := a.resolve(ref)
	if err != nil {
		return nil, err
	}
	failures, waits := 0, 0
	for {
		resp, err := a.do(ctx, u)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil || resp.status >= 500:
			failures++
			if failures >= serverAttempts {
				return nil, a.unavailable(u.Path, err, resp, failures)
			}
			d := firstBackoff << (failures - 1)
			a.log.Warn(a.name+": server failed, retrying", "path", u.Path, "status", statusOf(resp), "wait", d)
			if err := a.pause(ctx, d); err != nil {
				return nil, err
			}
		case rateLimited(resp):
			d := rateWait(resp.header)
			if waits++; waits > rateWaits || d > maxWait {
				return nil, &attest.Error{Code: attest.EUNAVAILABLE,
					Message: fmt.Sprintf("%s: rate limit reached (GET %s); it lifts in %s", a.name, u.Path, d.Round(time.Second)),
					Hint:    "run again after it has lifted"}
			}
			a.log.Warn(a.name+": rate limited, waiting", "path", u.Path, "wait", d)
			if err := a.pause(ctx, d); err != nil {
				return nil, err
			}
		case resp.status == http.StatusUnauthorized:
			return nil, &attest.Error{Code: attest.EUNAUTHORIZED,
				Message: fmt.Sprintf("%s refused the credential (GET %s: %s)", a.name, u.Path, a.statusText(resp)),
				Hint:    a.need}
		case resp.status == http.StatusForbidden:
			return nil, &attest.Error{Code: attest.EFORBIDDEN,
				Message: fmt.Sprintf("%s refused the credential access to %s (%s)", a.name, u.Path, a.statusText(resp)),
				Hint:    a.need}
		default:
			return resp, nil
		}
	}
}

// getJSON fetches ref and decodes a 2xx answer into v.
func (a *api) getJSON(ctx context.Context, ref string, v any) (*response, error) {
	resp, err := a.get(ctx, ref)
	if err != nil {
		return nil, err
	}
	if resp.status/100 != 2 {
		return nil, a.unexpected(resp)
	}
	if err := json.Unmarshal(resp.body, v); err != nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE,
			Message: fmt.Sprintf("%s: GET %s: the answer is not the JSON the API documents: %v", a.name, resp.path, err)}
	}
	return resp, nil
}

// pages fetches ref and the pages its Link headers chain to, handing each
// page's body to page.
func (a *api) pages(ctx context.Context, ref string, page func(n int, body []byte) error) error {
	seen := map[string]bool{}
	for n := 1; ref != ""; n++ {
		if seen[ref] || n > maxPages {
			return &attest.Error{Code: attest.EUNAVAILABLE, Message: fmt.Sprintf("%s: the API's page links go round in circles at page %d", a.name, n)}
		}
		seen[ref] = true
		resp, err := a.get(ctx, ref)
		if err != nil {
			return err
		}
		if resp.status/100 != 2 {
			return a.unexpected(resp)
		}
		if err := page(n, resp.body); err != nil {
			return err
		}
		ref = nextLink(resp.header)
	}
	return nil
}

// resolve turns ref into a URL on the base URL's server. A link to any other
// server is refused: the token would go with it.
func (a *api) resolve(ref string) (*url.URL, error) {
	if strings.HasPrefix(ref, "/") {
		ref = a.base.String() + ref
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: a.name + ": the API gave a link that is not a URL"}
	}
	if u.Scheme != a.base.Scheme || u.Host != a.base.Host || u.User != nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE,
			Message: fmt.Sprintf("%s: the API linked to %s://%s, not %s; refusing to send the token there", a.name, u.Scheme, u.Host, a.base.Host)}
	}
	return u, nil
}

// do sends one GET; err is a transport failure.
func (a *api) do(ctx context.Context, u *url.URL) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", a.scheme+" "+string(a.token))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "attest")
	a.log.Debug(a.name+": GET", "path", u.Path)
	client := a.client
	if client == nil {
		client = http.DefaultClient
	}
	hr, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer hr.Body.Close()
	body, err := io.ReadAll(io.LimitReader(hr.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("answer larger than %d MiB", maxBody>>20)
	}
	return &response{status: hr.StatusCode, header: hr.Header, body: body, path: u.Path}, nil
}

// pause waits d, or less if ctx ends first.
func (a *api) pause(ctx context.Context, d time.Duration) error {
	if a.sleep != nil {
		return a.sleep(ctx, d)
	}
	return sleep(ctx, d)
}

// sleep is the real wait.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// unavailable reports a server that kept failing.
func (a *api) unavailable(path string, err error, resp *response, tries int) error {
	what := ""
	if err != nil {
		what = a.redact(err.Error())
	} else {
		what = a.statusText(resp)
	}
	return &attest.Error{Code: attest.EUNAVAILABLE,
		Message: fmt.Sprintf("%s: GET %s failed %d times, last: %s", a.name, path, tries, what),
		Hint:    "the service is failing or unreachable; try again later"}
}

// unexpected reports a status the caller did not expect.
func (a *api) unexpected(resp *response) error {
	code := attest.EUNAVAILABLE
	if resp.status == http.StatusNotFound {
		code = attest.ENOTFOUND
	}
	return &attest.Error{Code: code, Message: fmt.Sprintf("%s: GET %s: %s", a.name, resp.path, a.statusText(resp))}
}

// statusText is the status with the vendor's own explanation, when its
// error body has one.
func (a *api) statusText(resp *response) string {
	s := strconv.Itoa(resp.status) + " " + http.StatusText(resp.status)
	if m := a.redact(vendorMessage(resp.body)); m != "" {
		s += ": " + m
	}
	return s
}

// redact removes the token from text that came from elsewhere (a server's
// message, a transport error), however unlikely it is to be there.
func (a *api) redact(s string) string {
	if len(a.token) >= 4 {
		s = strings.ReplaceAll(s, string(a.token), redacted)
	}
	return s
}

// vendorMessage is the explanation in an error body: GitHub's "message",
// Okta's "errorSummary". It is cut short and kept to one line.
func vendorMessage(body []byte) string {
	var e struct {
		Message      string `json:"message"`
		ErrorSummary string `json:"errorSummary"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	m := e.Message
	if m == "" {
		m = e.ErrorSummary
	}
	m = strings.Join(strings.Fields(m), " ")
	if len(m) > 200 {
		m = m[:200] + "..."
	}
	return m
}

func statusOf(resp *response) int {
	if resp == nil {
		return 0
	}
	return resp.status
}

// rateLimited says whether resp is a rate limit: 429, or GitHub's 403 with
// no requests remaining or with a Retry-After (its secondary limits).
func rateLimited(resp *response) bool {
	switch resp.status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusForbidden:
		return resp.header.Get("X-RateLimit-Remaining") == "0" || resp.header.Get("Retry-After") != ""
	}
	return false
}

// rateWait is how long a rate limit asks to wait: Retry-After (seconds or a
// date), else the reset time (GitHub's X-RateLimit-Reset, Okta's
// X-Rate-Limit-Reset, in Unix seconds) measured against the server's own
// clock in its Date header, so a skewed local clock does not matter.
func rateWait(h http.Header) time.Duration {
	now := time.Now()
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		now = d
	}
	if ra := strings.TrimSpace(h.Get("Retry-After")); ra != "" {
		if s, err := strconv.ParseInt(ra, 10, 64); err == nil && s >= 0 {
			return time.Duration(min(s, 1<<30)) * time.Second
		}
		if t, err := http.ParseTime(ra); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	for _, k := range []string{"X-RateLimit-Reset", "X-Rate-Limit-Reset"} {
		if s, err := strconv.ParseInt(strings.TrimSpace(h.Get(k)), 10, 64); err == nil && s > 0 && s < 1<<40 {
			// One second more: the reset time is rounded down to the second.
			return max(time.Unix(s, 0).Sub(now), 0) + time.Second
		}
	}
	return defaultWait
}

// nextLink is the target of the rel="next" link in the Link headers
// (RFC 8288), or "".
func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, link := range strings.Split(v, ",") {
			target, params, _ := strings.Cut(link, ";")
			target = strings.TrimSpace(target)
			if len(target) < 2 || target[0] != '<' || target[len(target)-1] != '>' {
				continue
			}
			for _, p := range strings.Split(params, ";") {
				k, val, ok := strings.Cut(p, "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
					if strings.EqualFold(rel, "next") {
						return target[1 : len(target)-1]
					}
				}
			}
		}
	}
	return ""
}
