package web

import (
	"fmt"
	"log/slog"
	"net/mail"
	"net/smtp"
	"strings"
	"sync"
	"time"
)

// Message is an e-mail the server sends: access confirmations and links.
type Message struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	At      time.Time `json:"at"`
	// Sent is false when no mail server is configured: the message was
	// only logged and shown to admins.
	Sent bool `json:"sent"`
}

// Mailer sends messages.
type Mailer interface {
	Send(m Message) error
}

// SMTP sends mail through a server (host:port), with PLAIN authentication
// when a user is given.
type SMTP struct {
	Addr, From, User, Password string
}

// Send implements Mailer.
func (s SMTP) Send(m Message) error {
	if _, err := mail.ParseAddress(m.To); err != nil {
		return fmt.Errorf("mail to %q: %w", m.To, err)
	}
	var auth smtp.Auth
	if s.User != "" {
		auth = smtp.PlainAuth("", s.User, s.Password, strings.Split(s.Addr, ":")[0])
	}
	clean := func(v string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(v) }
	body := "From: " + clean(s.From) + "\r\nTo: " + clean(m.To) + "\r\nSubject: " + clean(m.Subject) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(m.Body, "\n", "\r\n")
	return smtp.SendMail(s.Addr, auth, s.From, []string{m.To}, []byte(body))
}

// outbox keeps the latest messages for admins to see, and logs each one:
// without a mail server, this is how links reach people (and the demo
// works offline).
type outbox struct {
	mu   sync.Mutex
	list []Message
	send Mailer // nil: log only
	log  *slog.Logger
}

func (o *outbox) deliver(m Message) {
	if o.send != nil {
		if err := o.send.Send(m); err != nil {
			o.log.Error("mail not sent", "to", m.To, "subject", m.Subject, "err", err)
		} else {
			m.Sent = true
		}
	}
	if !m.Sent {
		o.log.Info("mail (no mail server configured: shown to admins instead)", "to", m.To, "subject", m.Subject, "body", m.Body)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, m)
	if len(o.list) > 200 {
		o.list = o.list[len(o.list)-200:]
	}
}

// latest returns the kept messages, newest first.
func (o *outbox) latest() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Message, len(o.list))
	for i, m := range o.list {
		out[len(o.list)-1-i] = m
	}
	return out
}

// Deliver sends a message through the server's mail (or, without a mail
// server, logs it and shows it to admins), for work the server runs
// beside its pages: the portal's reminder job.
func (s *Server) Deliver(to, subject, body string, at time.Time) {
	s.outbox.deliver(Message{To: to, Subject: subject, Body: body, At: at})
}
