// Package witness keeps copies of the ledger's signed checkpoints in places
// outside the data directory, so that `attest verify` can tell a data
// directory that was rolled back (replaced by an older copy of itself) or
// forked (its history rewritten) from one that is intact. Everything inside
// the data directory (the database, its checkpoints, the signing key when
// it lives there) rolls back together; a witness does not.
//
// A witness is named by a location: file:/path (a file, best on another
// volume), https://... (a webhook) or s3://bucket/prefix. Each keeps every
// checkpoint it receives, not only the latest: to say that a shorter ledger
// is an earlier state of the one the witness saw, verify needs the
// witness's checkpoint of that shorter size.
package witness

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/attest-dev/attest"
)

// Witness is a place outside the data directory that keeps the ledger's
// signed checkpoints.
type Witness interface {
	// Name is the witness's location as the user gave it.
	Name() string
	// Send gives the witness a signed checkpoint; one it holds already is
	// not stored twice.
	Send(ctx context.Context, signed []byte) error
	// Checkpoints returns every signed checkpoint the witness holds,
	// unverified, in the order received; ErrReceiveOnly when it cannot be
	// read back.
	Checkpoints(ctx context.Context) ([][]byte, error)
}

// ErrReceiveOnly is returned by Checkpoints of a witness that takes
// checkpoints but does not give them back (a webhook without GET).
var ErrReceiveOnly = errors.New("the witness receives checkpoints but does not give them back")

// Options are what opening a witness may need from the caller's
// configuration.
type Options struct {
	// HTTP is the client for webhooks (it sets the timeout).
	HTTP *http.Client
	// S3PathStyle addresses buckets by path, as S3-compatible servers at a
	// custom endpoint expect.
	S3PathStyle bool
}

// Kinds of witness, from the scheme of the location.
const (
	KindFile    = "file"
	KindWebhook = "webhook"
	KindS3      = "s3"
)

// Kind checks a location and returns its kind. A file location must be
// absolute, so that it means the same place from any working directory.
func Kind(location string) (string, error) {
	bad := func(why string) (string, error) {
		return "", &attest.Error{Code: attest.EINVALID, Message: "witness " + location + ": " + why,
			Hint: "a witness is file:/absolute/path, https://host/path or s3://bucket/prefix"}
	}
	switch {
	case strings.HasPrefix(location, "file:"):
		p := strings.TrimPrefix(location, "file:")
		if !filepath.IsAbs(p) {
			return bad("the path must be absolute")
		}
		if filepath.Clean(p) != p || strings.HasSuffix(p, string(filepath.Separator)) {
			return bad("write the path in its clean form, " + filepath.Clean(p))
		}
		return KindFile, nil
	case strings.HasPrefix(location, "https://"), strings.HasPrefix(location, "http://"):
		u, err := url.Parse(location)
		if err != nil || u.Host == "" || u.Fragment != "" || u.User != nil {
			return bad("not an address without user or fragment")
		}
		return KindWebhook, nil
	case strings.HasPrefix(location, "s3://"):
		u, err := url.Parse(location)
		if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return bad("want s3://bucket/prefix")
		}
		return KindS3, nil
	}
	return bad("unknown kind of witness")
}

// Open opens the witness at location.
func Open(ctx context.Context, location string, opt Options) (Witness, error) {
	kind, err := Kind(location)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindFile:
		return NewFile(strings.TrimPrefix(location, "file:")), nil
	case KindWebhook:
		return NewWebhook(location, opt.HTTP), nil
	}
	return OpenS3(ctx, location, opt.S3PathStyle)
}
