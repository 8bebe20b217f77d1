package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
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
	"github.com/spf13/pflag"
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
	sg, err := loadSigner(keyFile)
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
	body["key"] = sg.fp
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
		st = &attest.Statement{Key: sg.fp, Body: ask.Sign.Statement, Signature: sig, Hash: auditsig.Hash(ask.Sign.Statement)}
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

// remoteActs are the commands that run against --server, by command path:
// each builds the API path and body from the command's own flags.
var remoteActs = map[string]func(fl *pflag.FlagSet, args []string) (string, map[string]any, error){
	"attest sample draw": func(fl *pflag.FlagSet, _ []string) (string, map[string]any, error) {
		seed := str(fl, "seed")
		if seed == "" {
			var b [16]byte
			rand.Read(b[:])
			seed = hex.EncodeToString(b[:])
		}
		body := map[string]any{"control": str(fl, "control"), "seed": seed, "stratify": str(fl, "stratify"), "reason": str(fl, "reason")}
		if n, _ := fl.GetInt64("population"); n > 0 {
			body["population"] = n
		}
		if n, _ := fl.GetInt("size"); n > 0 {
			body["size"] = n
		}
		return "/draws", body, nil
	},
	"attest sample extend": func(fl *pflag.FlagSet, _ []string) (string, map[string]any, error) {
		id, _ := fl.GetInt64("draw")
		size, _ := fl.GetInt("size")
		return fmt.Sprintf("/draws/%d/extensions", id), map[string]any{"size": size, "reason": str(fl, "reason")}, nil
	},
	"attest test record": func(fl *pflag.FlagSet, _ []string) (string, map[string]any, error) {
		if b, _ := fl.GetBool("internal"); b {
			return "", nil, attest.Errorf(attest.EINVALID, "--server is for the service auditor's signed acts; management records internal tests on its own installation")
		}
		flags, _ := fl.GetStringArray("item")
		results, err := parseItems(flags, str(fl, "items-file"))
		if err != nil {
			return "", nil, err
		}
		var items []string
		for _, r := range results {
			line := r.Key + "=" + r.Result
			if r.Note != "" {
				line += ":" + r.Note
			}
			items = append(items, line)
		}
		body := map[string]any{"control": str(fl, "control"), "procedure": str(fl, "procedure"), "items": strings.Join(items, "\n"),
			"deviations": str(fl, "deviations"), "applies_to": str(fl, "applies-to"), "reason": str(fl, "reason"), "acknowledged": str(fl, "acknowledge"),
			"test_of_one": str(fl, "test-of-one"), "supported_by": str(fl, "supported-by")}
		if d, _ := fl.GetInt64("draw"); d > 0 {
			body["draw"] = d
		}
		if b, _ := fl.GetBool("not-performed"); b {
			body["not_performed"] = "true"
		}
		if c := str(fl, "covers"); c != "" {
			from, to, ok := strings.Cut(c, "..")
			if !ok {
				return "", nil, attest.Errorf(attest.EINVALID, "--covers %q: want FROM..TO (YYYY-MM-DD..YYYY-MM-DD)", c)
			}
			body["from"], body["to"] = strings.TrimSpace(from), strings.TrimSpace(to)
		}
		return "/tests", body, nil
	},
	"attest test evaluate": func(fl *pflag.FlagSet, _ []string) (string, map[string]any, error) {
		id, _ := fl.GetInt64("test")
		ext, _ := fl.GetInt64("extension")
		body := map[string]any{"nature": str(fl, "nature"), "compensating": str(fl, "compensating"), "conclusion": str(fl, "conclusion")}
		if ext > 0 {
			body["extension"] = ext
		}
		return fmt.Sprintf("/tests/%d/evaluations", id), body, nil
	},
	"attest test review": func(fl *pflag.FlagSet, _ []string) (string, map[string]any, error) {
		id, _ := fl.GetInt64("test")
		return fmt.Sprintf("/tests/%d/reviews", id), map[string]any{"note": str(fl, "note")}, nil
	},
	"attest request create": func(fl *pflag.FlagSet, _ []string) (string, map[string]any, error) {
		return "/requests", map[string]any{"control": str(fl, "control"), "text": str(fl, "text"), "items": str(fl, "items"), "due": str(fl, "due")}, nil
	},
	"attest request close": func(_ *pflag.FlagSet, args []string) (string, map[string]any, error) {
		id, err := strconv.ParseInt(strings.TrimSpace(args[0]), 10, 64)
		if err != nil || id <= 0 {
			return "", nil, attest.Errorf(attest.EINVALID, "request %q: want its number", args[0])
		}
		return fmt.Sprintf("/requests/%d/close", id), map[string]any{}, nil
	},
	"attest population test": func(fl *pflag.FlagSet, _ []string) (string, map[string]any, error) {
		id, _ := fl.GetInt64("population")
		return fmt.Sprintf("/populations/%d/tests", id), map[string]any{"procedure": str(fl, "procedure")}, nil
	},
	"attest engagement auditor confirm": func(*pflag.FlagSet, []string) (string, map[string]any, error) {
		return "/auditor-keys/confirm", map[string]any{}, nil
	},
}

func str(fl *pflag.FlagSet, name string) string {
	v, _ := fl.GetString(name)
	return v
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
	local, build := c.RunE, remoteActs[c.CommandPath()]
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if m.serverURL() == "" || m.cfg.server == "" && build == nil {
			return local(cmd, args)
		}
		if build == nil {
			return attest.Errorf(attest.EINVALID, "%s does not run against --server: only the service auditor's signed acts do", cmd.CommandPath())
		}
		path, body, err := build(cmd.Flags(), args)
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
