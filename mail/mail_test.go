package mail

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"
)

// smtpServer is a mail server run inside the test: it accepts one message
// without authentication and hands back the envelope and the data.
type smtpServer struct {
	addr string
	got  chan received
}

type received struct {
	from, to, data string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &smtpServer{addr: ln.Addr().String(), got: make(chan received, 1)}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		s.serve(c)
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	r := bufio.NewReader(c)
	say := func(line string) { fmt.Fprint(c, line+"\r\n") }
	say("220 test ESMTP")
	var m received
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		switch verb := strings.ToUpper(strings.SplitN(cmd, " ", 2)[0]); verb {
		case "EHLO", "HELO":
			say("250 test")
		case "MAIL":
			m.from = cmd
			say("250 ok")
		case "RCPT":
			m.to = cmd
			say("250 ok")
		case "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			m.data = data.String()
			say("250 queued")
			s.got <- m
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 not here")
		}
	}
}

// TestSMTPSend: the message goes to the server as plain UTF-8 text with
// CRLF line ends, and a subject carrying a line break adds no header.
func TestSMTPSend(t *testing.T) {
	srv := newSMTPServer(t)
	s := SMTP{Addr: srv.addr, From: "attest@example.com"}
	m := Message{To: "ana@customer.example", Subject: "Your link\r\nBcc: eve@example.com", Body: "Hello,\nhere it is.\n"}
	if err := s.Send(m); err != nil {
		t.Fatal(err)
	}
	var got received
	select {
	case got = <-srv.got:
	case <-time.After(10 * time.Second):
		t.Fatal("the server received nothing")
	}
	if got.from != "MAIL FROM:<attest@example.com> BODY=8BITMIME" && got.from != "MAIL FROM:<attest@example.com>" {
		t.Errorf("envelope sender %q", got.from)
	}
	if got.to != "RCPT TO:<ana@customer.example>" {
		t.Errorf("envelope recipient %q", got.to)
	}
	want := "From: attest@example.com\r\nTo: ana@customer.example\r\nSubject: Your link  Bcc: eve@example.com\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\nhere it is.\r\n"
	if got.data != want {
		t.Errorf("data:\n%q\nwant\n%q", got.data, want)
	}
}

func TestSMTPRefusesABadAddress(t *testing.T) {
	// No server listens: the address is refused before anything is dialled.
	err := SMTP{Addr: "127.0.0.1:1", From: "attest@example.com"}.Send(Message{To: "not an address"})
	if err == nil || !strings.Contains(err.Error(), `mail to "not an address"`) {
		t.Errorf("err = %v", err)
	}
}

type mailerFunc func(Message) error

func (f mailerFunc) Send(m Message) error { return f(m) }

// TestOutbox: every message is kept, newest first, the last 200; Sent
// says whether the mail server took it; a refused or unsent message is
// logged, never an error to the sender.
func TestOutbox(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	refuse := false
	var sent []string
	o := NewOutbox(mailerFunc(func(m Message) error {
		if refuse {
			return errors.New("550 no such mailbox")
		}
		sent = append(sent, m.To)
		return nil
	}), log)
	if err := o.Send(Message{To: "a@example.com", Subject: "one"}); err != nil {
		t.Fatal(err)
	}
	refuse = true
	if err := o.Send(Message{To: "b@example.com", Subject: "two", Sent: true}); err != nil {
		t.Fatalf("a refused message is an error to the sender: %v", err)
	}
	got := o.Latest()
	if len(got) != 2 || got[0].To != "b@example.com" || got[0].Sent || got[1].To != "a@example.com" || !got[1].Sent {
		t.Errorf("latest: %+v", got)
	}
	if len(sent) != 1 || !strings.Contains(logs.String(), "mail not sent") || !strings.Contains(logs.String(), "550 no such mailbox") {
		t.Errorf("sent %v, log %s", sent, logs.String())
	}

	offline := NewOutbox(nil, log)
	for i := range kept + 5 {
		offline.Send(Message{To: fmt.Sprintf("p%d@example.com", i), Body: "the link"})
	}
	got = offline.Latest()
	if len(got) != kept || got[0].To != fmt.Sprintf("p%d@example.com", kept+4) || got[kept-1].To != "p5@example.com" || got[0].Sent {
		t.Errorf("kept %d, newest %+v, oldest %+v", len(got), got[0], got[len(got)-1])
	}
	if !strings.Contains(logs.String(), "no mail server configured") || !strings.Contains(logs.String(), "the link") {
		t.Errorf("without a mail server the message is not logged whole: %s", logs.String())
	}
}
