// Package remote is the service auditor's client for an Attest server's
// JSON API: the auditor's signed acts sent from their own machine, with
// no data directory there. Each act is posted with the auditor's API
// token in the two steps the server asks for: it answers 428 with the
// statement it would record; the client signs it only when it continues
// the auditor's journal (fieldwork.KeyFile) and posts the act again with
// the signature; what the server then accepts is kept in the journal. The
// server's refusals come back as *attest.Error. What an act may do is the
// server's workflow's to decide: the client holds no rule of its own.
package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/fieldwork"
)

// The acts' paths under /api/v1/engagements/{id}, which web/routes.go
// answers (%d is a record's number), and the web page where an auditor
// enrolls a key kept in their browser.
const (
	apiEngagements      = "/api/v1/engagements/"
	pathConfirm         = "/auditor-keys/confirm"
	pathDraws           = "/draws"
	pathExtensions      = "/draws/%d/extensions"
	pathTests           = "/tests"
	pathEvaluations     = "/tests/%d/evaluations"
	pathReviews         = "/tests/%d/reviews"
	pathPopulationTests = "/populations/%d/tests"
	pathRequests        = "/requests"
	pathClose           = "/requests/%d/close"
	pageEnroll          = "/fieldwork/%s/key"
)

// EnrollPage is the page of the server where the auditor of engagement,
// signed in, makes a key in their browser, enrolls it and confirms it.
func EnrollPage(engagement string) string { return fmt.Sprintf(pageEnroll, engagement) }

// Client acts for one auditor on one engagement of one server.
type Client struct {
	// Server is the server's address: scheme, host and any prefix, without
	// a trailing slash.
	Server string
	// Token is the auditor's API token, sent as a bearer token.
	Token      string
	Engagement string
	// Key signs the statements and keeps those the server accepted: the
	// auditor's fieldwork.KeyFile.
	Key fieldwork.Keeper
	// HTTP sends the requests; nil is a client that waits two minutes.
	HTTP *http.Client
}

// Answer is the server's JSON answer to an act, as it sent it.
type Answer map[string]any

// AddressError is an act that could not be sent because the server's
// address does not make a request.
type AddressError struct{ Err error }

func (e *AddressError) Error() string { return "the server's address: " + e.Err.Error() }

func (e *AddressError) Unwrap() error { return e.Err }

// Confirm confirms the auditor's enrolled key: the first statement of its
// chain (fieldwork.Confirm).
func (c *Client) Confirm(ctx context.Context) (Answer, error) {
	return c.act(ctx, pathConfirm, map[string]any{})
}

// Draw draws a sample (fieldwork.Draw). A draw without a seed is sent
// with a random one: the server records the seed it is sent.
func (c *Client) Draw(ctx context.Context, req fieldwork.DrawRequest) (Answer, error) {
	if req.Seed == "" {
		req.Seed = fieldwork.NewSeed()
	}
	body := map[string]any{"control": req.Control, "seed": req.Seed, "stratify": req.Stratify, "reason": req.Reason}
	if req.PopulationID > 0 {
		body["population"] = req.PopulationID
	}
	if req.Size > 0 {
		body["size"] = req.Size
	}
	return c.act(ctx, pathDraws, body)
}

// Extend adds size items to a draw after a deviation (fieldwork.Extend).
func (c *Client) Extend(ctx context.Context, draw int64, size int, reason string) (Answer, error) {
	return c.act(ctx, fmt.Sprintf(pathExtensions, draw), map[string]any{"size": size, "reason": reason})
}

// RecordTest records the service auditor's test (fieldwork.RecordTest):
// the item results one per line and the lists comma-separated, as the
// test form sends them. Management's internal tests are not signed acts
// and are not sent.
func (c *Client) RecordTest(ctx context.Context, req fieldwork.TestRequest) (Answer, error) {
	if req.Internal {
		return nil, attest.Errorf(attest.EINVALID, "an internal test is management's, recorded on its own installation, not a signed act")
	}
	body := map[string]any{"control": req.Control, "procedure": strings.Join(req.Procedures, ","), "items": fieldwork.ItemsText(req.Items),
		"deviations": req.Deviations, "applies_to": strings.Join(req.AppliesTo, ","), "reason": req.Reason, "acknowledged": req.Acknowledged,
		"test_of_one": req.TestOfOne, "supported_by": strings.Join(req.SupportedBy, ",")}
	if req.DrawID > 0 {
		body["draw"] = req.DrawID
	}
	if req.NotPerformed {
		body["not_performed"] = "true"
	}
	if req.From != "" || req.To != "" {
		body["from"], body["to"] = req.From, req.To
	}
	return c.act(ctx, pathTests, body)
}

// Evaluate records the evaluation of a test's deviations
// (fieldwork.Evaluate).
func (c *Client) Evaluate(ctx context.Context, in fieldwork.Evaluation) (Answer, error) {
	body := map[string]any{"nature": in.Nature, "compensating": in.Compensating, "conclusion": in.Conclusion}
	if in.Extension > 0 {
		body["extension"] = in.Extension
	}
	return c.act(ctx, fmt.Sprintf(pathEvaluations, in.Test), body)
}

// TestPopulation records how a population's completeness and accuracy
// were tested (fieldwork.TestPopulation).
func (c *Client) TestPopulation(ctx context.Context, population int64, procedure string) (Answer, error) {
	return c.act(ctx, fmt.Sprintf(pathPopulationTests, population), map[string]any{"procedure": procedure})
}

// Review signs off a test as its reviewer (fieldwork.Review).
func (c *Client) Review(ctx context.Context, test int64, note string) (Answer, error) {
	return c.act(ctx, fmt.Sprintf(pathReviews, test), map[string]any{"note": note})
}

// CreateRequest asks for evidence (fieldwork.CreateRequest), the items
// comma-separated.
func (c *Client) CreateRequest(ctx context.Context, r fieldwork.NewRequest) (Answer, error) {
	return c.act(ctx, pathRequests, map[string]any{"control": r.Control, "text": r.Text, "items": strings.Join(r.Items, ","), "due": r.Due})
}

// CloseRequest closes a request after review (fieldwork.CloseRequest).
func (c *Client) CloseRequest(ctx context.Context, id int64) (Answer, error) {
	return c.act(ctx, fmt.Sprintf(pathClose, id), map[string]any{})
}

// act posts an act to path under the engagement, signed with the key in
// two steps, keeps the statement the server accepted, and decodes the
// server's answer.
func (c *Client) act(ctx context.Context, path string, body map[string]any) (Answer, error) {
	url := c.Server + apiEngagements + c.Engagement + path
	body["key"] = c.Key.Fingerprint()
	code, rb, err := c.post(ctx, url, body)
	if err != nil {
		return nil, err
	}
	var st *attest.Statement
	if code == http.StatusPreconditionRequired {
		var ask struct {
			Sign fieldwork.ToSign `json:"sign"`
		}
		if err := json.Unmarshal(rb, &ask); err != nil || ask.Sign.Statement == "" {
			return nil, attest.Errorf(attest.EUNAVAILABLE, "the server asked for a signature without a statement")
		}
		sig, err := c.Key.Sign(ask.Sign.Statement)
		if err != nil {
			return nil, err
		}
		body["statement"], body["signature"] = ask.Sign.Statement, sig
		st = &attest.Statement{Key: c.Key.Fingerprint(), Body: ask.Sign.Statement, Signature: sig, Hash: auditsig.Hash(ask.Sign.Statement)}
		if code, rb, err = c.post(ctx, url, body); err != nil {
			return nil, err
		}
	}
	if code >= 300 {
		return nil, refusal(code, rb)
	}
	if st == nil {
		return nil, errors.New("the server recorded the act without asking for a signature: it is not an Attest server that checks them")
	}
	if err := c.Key.Keep(st); err != nil {
		return nil, err
	}
	var out Answer
	if err := json.Unmarshal(rb, &out); err != nil {
		return nil, fmt.Errorf("the server's answer: %v", err)
	}
	return out, nil
}

// post sends body as JSON with the token, and reads the answer (up to
// 64 MiB).
func (c *Client) post(ctx context.Context, url string, body map[string]any) (int, []byte, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(b))
	if err != nil {
		return 0, nil, &AddressError{err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "the server did not answer: " + err.Error()}
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	return resp.StatusCode, rb, err
}

// refusal is the server's refusal of an act: its error's code and
// message, or the status alone when it sent none.
func refusal(code int, rb []byte) error {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(rb, &e) != nil || e.Error.Message == "" {
		return attest.Errorf(attest.EUNAVAILABLE, "the server answered %d", code)
	}
	c := e.Error.Code
	if c == "" {
		c = attest.EINTERNAL
	}
	return &attest.Error{Code: c, Message: e.Error.Message}
}
