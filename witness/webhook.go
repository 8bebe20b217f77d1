package witness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Webhook is a witness reached over HTTP: each checkpoint is POSTed to its
// address as text/plain, one signed note per request. A GET on the same
// address that answers 200 returns the checkpoints it holds in the file
// witness's layout (signed notes, a blank line between two); one that
// answers 404, 405 or 501 makes it a witness that only receives.
type Webhook struct {
	url    string
	client *http.Client
}

// NewWebhook returns the webhook witness at url; a nil client means one
// with a 10-second timeout.
func NewWebhook(url string, client *http.Client) *Webhook {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Webhook{url: url, client: client}
}

// Name is the webhook's address, its query (where a webhook often keeps
// its secret) shown as "?...".
func (w *Webhook) Name() string {
	if base, _, ok := strings.Cut(w.url, "?"); ok {
		return base + "?..."
	}
	return w.url
}

// Send POSTs a signed checkpoint; any 2xx answer is success.
func (w *Webhook) Send(ctx context.Context, signed []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(signed))
	if err != nil {
		return w.unreachable(err)
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := w.client.Do(req)
	if err != nil {
		return w.unreachable(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return w.unreachable(fmt.Errorf("answered %s%s", resp.Status, excerpt(resp.Body)))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return nil
}

// Checkpoints GETs the checkpoints the webhook holds.
func (w *Webhook) Checkpoints(ctx context.Context) ([][]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.url, nil)
	if err != nil {
		return nil, w.unreachable(err)
	}
	req.Header.Set("Accept", "text/plain")
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, w.unreachable(err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return nil, ErrReceiveOnly
	default:
		return nil, w.unreachable(fmt.Errorf("GET answered %s%s", resp.Status, excerpt(resp.Body)))
	}
	text, err := io.ReadAll(io.LimitReader(resp.Body, maxText+1))
	if err != nil {
		return nil, w.unreachable(err)
	}
	if len(text) > maxText {
		return nil, attest.Errorf(attest.EINVALID, "witness %s: its answer is larger than %d MiB", w.Name(), maxText>>20)
	}
	notes, err := Parse(text)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "witness %s: its answer, %s", w.Name(), attest.ErrorMessage(err))
	}
	return notes, nil
}

func (w *Webhook) unreachable(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its message repeats the address, query and all
	}
	return attest.Errorf(attest.EUNAVAILABLE, "witness %s: %v", w.Name(), err)
}

// excerpt is the start of an error answer's body, for the message.
func excerpt(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 200))
	s := strings.Join(strings.Fields(string(b)), " ")
	if s == "" {
		return ""
	}
	return ": " + s
}
