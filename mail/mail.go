// Package mail is the mail Attest sends: the Message a workflow returns
// (a trust-center confirmation or link, a portal sign-in link, a
// reminder), the Mailer that sends it, the SMTP sender, and the Outbox
// that keeps the latest messages for administrators to see. Every adapter
// and job sends through the same Mailer, so a message reads and is kept
// the same wherever it comes from.
package mail

import (
	"fmt"
	netmail "net/mail"
	"net/smtp"
	"strings"
	"time"
)

// Message is an e-mail to send: access confirmations, links, reminders.
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

// Send implements Mailer. The headers are single lines whatever the
// message holds (a carriage return or line feed becomes a space), so a
// subject or an address cannot add headers of its own.
func (s SMTP) Send(m Message) error {
	if _, err := netmail.ParseAddress(m.To); err != nil {
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
