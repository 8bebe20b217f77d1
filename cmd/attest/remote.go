package main

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/fieldwork/remote"
	"github.com/spf13/cobra"
)

// The auditor's acts can be made against a server rather than a data
// directory: --server URL --token T (env ATTEST_SERVER, ATTEST_TOKEN),
// with the key on the auditor's machine (--auditor-key). The client
// (fieldwork/remote) sends the act, the server answers 428 with the
// statement it would record, the client checks it continues the auditor's
// own journal, signs it and sends the act again with the signature: the
// same two steps as in-process. Here the flags are read into the client
// and each command's act.

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

// remoteClient is the client of a remote act: the engagement, the
// auditor's key and the API token, from the flags or the environment,
// checked in that order.
func (m *Main) remoteClient() (*remote.Client, error) {
	eng, err := m.remoteEngagement()
	if err != nil {
		return nil, err
	}
	keyFile := m.auditorKeyFile()
	if keyFile == "" {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "an auditor act must be " + fieldwork.SignedByKey + ": give --auditor-key FILE (or ATTEST_AUDITOR_KEY)"}
	}
	sg, err := fieldwork.OpenKeyFile(keyFile)
	if err != nil {
		return nil, err
	}
	token := m.cfg.token
	if token == "" {
		token = m.Getenv("ATTEST_TOKEN")
	}
	if token == "" {
		return nil, attest.Errorf(attest.EINVALID, "with --server, give your API token: --token T (or ATTEST_TOKEN)")
	}
	return &remote.Client{Server: m.serverURL(), Token: token, Engagement: eng, Key: sg}, nil
}

// remoteDone prints a remote act's answer.
func (m *Main) remoteDone(out remote.Answer, format string, args ...any) error {
	if m.cfg.json {
		return m.printJSON(out)
	}
	m.printf(format, args...)
	return nil
}

// remoteCall is an auditor act on --server, made with the client.
type remoteCall func(ctx context.Context, c *remote.Client) (remote.Answer, error)

// remoteBuild makes an auditor act on --server from the values its
// command's flags were parsed into (the same values the in-process call
// takes) and its arguments; what it refuses is refused before the client
// is made.
type remoteBuild func(args []string) (remoteCall, error)

// remote marks cmd as an auditor act that runs against --server too,
// making the call build makes.
func (m *Main) remote(cmd *cobra.Command, build remoteBuild) *cobra.Command {
	if m.remotes == nil {
		m.remotes = map[*cobra.Command]remoteBuild{}
	}
	m.remotes[cmd] = build
	return cmd
}

// always is the remoteBuild of an act whose flags need no more reading.
func always(call remoteCall) remoteBuild {
	return func([]string) (remoteCall, error) { return call, nil }
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
		call, err := build(args)
		if err != nil {
			return err
		}
		c, err := m.remoteClient()
		if err != nil {
			return err
		}
		out, err := call(cmd.Context(), c)
		if ae := (*remote.AddressError)(nil); errors.As(err, &ae) {
			return attest.Errorf(attest.EINVALID, "--server: %v", ae.Err)
		}
		if err != nil {
			return err
		}
		return m.remoteDone(out, "Recorded on %s and signed with your key (%s).\n", m.serverURL(), cmd.CommandPath())
	}
}
