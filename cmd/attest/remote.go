package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/spf13/cobra"
)

// The auditor's acts can be made against a server rather than a data
// directory: --server URL --token T (env ATTEST_SERVER, ATTEST_TOKEN),
// with the key on the auditor's machine (--auditor-key). The CLI sends the
// act, the server answers 428 with the statement it would record, the CLI
// checks it continues the auditor's own journal, signs it and sends the act
// again with the signature: the same two steps as in-process.

// serverURL is --server, or ATTEST_SERVER.
func (m *Main) serverURL() string {
	if m.cfg.server != "" {
		return strings.TrimRight(m.cfg.server, "/")
	}
	return strings.TrimRight(m.Getenv("ATTEST_SERVER"), "/")
}

// remoteEngagement is the engagement of a remote act: --engagement (or
// ATTEST_ENGAGEMENT); there is no current engagement without a data
// directory.
func (m *Main) remoteEngagement() (string, error) {
	e := m.cfg.engagement
	if e == "" {
		e = m.Getenv("ATTEST_ENGAGEMENT")
	}
	if e == "" {
		return "", attest.Errorf(attest.EINVALID, "with --server, say which engagement: --engagement ID")
	}
	return e, nil
}

// remoteAct posts an auditor act to the server's API path (under
// /api/v1/engagements/ENGAGEMENT), signed with the auditor's key, and
// decodes the answer into out.
func (m *Main) remoteAct(ctx context.Context, path string, body map[string]any, out any) error {
	eng, err := m.remoteEngagement()
	if err != nil {
		return err
	}
	keyFile := m.auditorKeyFile()
	if keyFile == "" {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "an auditor act must be " + fieldwork.SignedByKey + ": give --auditor-key FILE (or ATTEST_AUDITOR_KEY)"}
	}
	sg, err := fieldwork.OpenKeyFile(keyFile)
	if err != nil {
		return err
	}
	token := m.cfg.token
	if token == "" {
		token = m.Getenv("ATTEST_TOKEN")
	}
	if token == "" {
		return attest.Errorf(attest.EINVALID, "with --server, give your API token: --token T (or ATTEST_TOKEN)")
	}
	url := m.serverURL() + "/api/v1/engagements/" + eng + path
	body["key"] = sg.Fingerprint()
	client := &http.Client{Timeout: 2 * time.Minute}
	send := func() (int, []byte, error) {
		b, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(b))
		if err != nil {
			return 0, nil, attest.Errorf(attest.EINVALID, "--server: %v", err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "the server did not answer: " + err.Error()}
		}
		defer resp.Body.Close()
		rb, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		return resp.StatusCode, rb, err
	}
	code, rb, err := send()
	if err != nil {
		return err
	}
	var st *attest.Statement
	if code == http.StatusPreconditionRequired {
		var ask struct {
			Sign fieldwork.ToSign `json:"sign"`
		}
		if err := json.Unmarshal(rb, &ask); err != nil || ask.Sign.Statement == "" {
			return attest.Errorf(attest.EUNAVAILABLE, "the server asked for a signature without a statement")
		}
		sig, err := sg.Sign(ask.Sign.Statement)
		if err != nil {
			return err
		}
		body["statement"], body["signature"] = ask.Sign.Statement, sig
		st = &attest.Statement{Key: sg.Fingerprint(), Body: ask.Sign.Statement, Signature: sig, Hash: auditsig.Hash(ask.Sign.Statement)}
		if code, rb, err = send(); err != nil {
			return err
		}
	}
	if code >= 300 {
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
	if st == nil {
		return errors.New("the server recorded the act without asking for a signature: it is not an Attest server that checks them")
	}
	if err := sg.Keep(st); err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(rb, out); err != nil {
			return fmt.Errorf("the server's answer: %v", err)
		}
	}
	return nil
}

// remoteDone prints a remote act's answer.
func (m *Main) remoteDone(out map[string]any, format string, args ...any) error {
	if m.cfg.json {
		return m.printJSON(out)
	}
	m.printf(format, args...)
	return nil
}

// remoteBuild makes an auditor act's API path and body from the values
// its command's flags were parsed into: the same values the in-process
// call takes.
type remoteBuild func(args []string) (string, map[string]any, error)

// remote marks cmd as an auditor act that runs against --server too,
// sending what build makes.
func (m *Main) remote(cmd *cobra.Command, build remoteBuild) *cobra.Command {
	if m.remotes == nil {
		m.remotes = map[*cobra.Command]remoteBuild{}
	}
	m.remotes[cmd] = build
	return cmd
}

// drawBody is a draw's API body.
func drawBody(req fieldwork.DrawRequest) map[string]any {
	if req.Seed == "" {
		req.Seed = fieldwork.NewSeed() // the server records the seed it is sent
	}
	body := map[string]any{"control": req.Control, "seed": req.Seed, "stratify": req.Stratify, "reason": req.Reason}
	if req.PopulationID > 0 {
		body["population"] = req.PopulationID
	}
	if req.Size > 0 {
		body["size"] = req.Size
	}
	return body
}

// testBody is a test's API body: the item results one KEY=RESULT[:NOTE]
// per line, the lists comma-separated, as the form sends them.
func testBody(req fieldwork.TestRequest) map[string]any {
	var items []string
	for _, r := range req.Items {
		line := r.Key + "=" + r.Result
		if r.Note != "" {
			line += ":" + r.Note
		}
		items = append(items, line)
	}
	body := map[string]any{"control": req.Control, "procedure": strings.Join(req.Procedures, ","), "items": strings.Join(items, "\n"),
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
	return body
}

// evaluationBody is a deviation evaluation's API path and body.
func evaluationBody(in fieldwork.Evaluation) (string, map[string]any, error) {
	body := map[string]any{"nature": in.Nature, "compensating": in.Compensating, "conclusion": in.Conclusion}
	if in.Extension > 0 {
		body["extension"] = in.Extension
	}
	return fmt.Sprintf("/tests/%d/evaluations", in.Test), body, nil
}

// requestNumber is a request's number given on the command line to close
// it on --server.
func requestNumber(arg string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil || id <= 0 {
		return 0, attest.Errorf(attest.EINVALID, "request %q: want its number", arg)
	}
	return id, nil
}

// withRemote makes each command of remoteActs run against --server when
// it is given; every other command refuses --server.
func (m *Main) withRemote(c *cobra.Command) {
	for _, sub := range c.Commands() {
		m.withRemote(sub)
	}
	if c.RunE == nil {
		return
	}
	local, build := c.RunE, m.remotes[c]
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if m.serverURL() == "" || m.cfg.server == "" && build == nil {
			return local(cmd, args)
		}
		if build == nil {
			return attest.Errorf(attest.EINVALID, "%s does not run against --server: only the service auditor's signed acts do", cmd.CommandPath())
		}
		path, body, err := build(args)
		if err != nil {
			return err
		}
		var out map[string]any
		if err := m.remoteAct(cmd.Context(), path, body, &out); err != nil {
			return err
		}
		return m.remoteDone(out, "Recorded on %s and signed with your key (%s).\n", m.serverURL(), cmd.CommandPath())
	}
}
