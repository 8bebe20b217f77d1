package mail

import (
	"log/slog"
	"sync"
)

// kept is how many messages an Outbox keeps.
const kept = 200

// Outbox keeps the latest messages for admins to see, and logs each one
// it did not send (no mail server, or one that refused it): without one, this is how links reach people (and the demo
// works offline). The web server's pages and the server's jobs send
// through the same Outbox, so the admins see both.
type Outbox struct {
	mu   sync.Mutex
	list []Message
	send Mailer // nil: log only
	log  *slog.Logger
}

// NewOutbox is an outbox that sends through send (nil: it only logs and
// keeps) and logs to log (nil: nowhere).
func NewOutbox(send Mailer, log *slog.Logger) *Outbox {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Outbox{send: send, log: log}
}

// Send implements Mailer: it sends m through the mail server, if any, and
// keeps it. It never fails: a message the mail server refuses is logged
// with the reason and kept unsent, for admins to see.
func (o *Outbox) Send(m Message) error {
	m.Sent = false
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
	if len(o.list) > kept {
		o.list = o.list[len(o.list)-kept:]
	}
	return nil
}

// Latest returns the kept messages, newest first.
func (o *Outbox) Latest() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Message, len(o.list))
	for i, m := range o.list {
		out[len(o.list)-1-i] = m
	}
	return out
}
