package witness

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// S3 is a witness in an S3-compatible bucket: each checkpoint is an object
// PREFIX/checkpoints/<size, 20 digits>-<root hash, hex>-<note digest>,
// written once (If-None-Match: *), so no checkpoint is ever overwritten,
// not even by a forked ledger's checkpoint of the same size.
type S3 struct {
	client         *s3.Client
	bucket, prefix string
	location       string
}

// OpenS3 opens the witness at s3://bucket/prefix. Endpoint, region and
// credentials come from the AWS SDK's usual sources, as for the blob store.
func OpenS3(ctx context.Context, location string, pathStyle bool) (*S3, error) {
	u, err := url.Parse(location)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, attest.Errorf(attest.EINVALID, "witness %s: want s3://bucket/prefix", location)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("S3 configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle })
	return NewS3(client, u.Host, strings.Trim(u.Path, "/")), nil
}

// NewS3 returns the witness in bucket under prefix, reached with client.
func NewS3(client *s3.Client, bucket, prefix string) *S3 {
	loc := "s3://" + bucket
	if prefix != "" {
		loc += "/" + prefix
	}
	return &S3{client: client, bucket: bucket, prefix: prefix, location: loc}
}

// Name is the s3:// location.
func (s *S3) Name() string { return s.location }

func (s *S3) dir() string { return path.Join(s.prefix, "checkpoints") + "/" }

// Send stores the checkpoint under its size, root hash and the start of
// its SHA-256; one already there is the same checkpoint.
func (s *S3) Send(ctx context.Context, signed []byte) error {
	cp, err := ledger.ParseCheckpoint(string(body(signed)))
	if err != nil {
		return err
	}
	digest := sha256.Sum256(signed)
	key := fmt.Sprintf("%s%020d-%s-%s", s.dir(), cp.Size, hex.EncodeToString(cp.Root[:]), hex.EncodeToString(digest[:4]))
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{Bucket: &s.bucket, Key: &key, Body: bytes.NewReader(signed),
		ContentType: aws.String("text/plain; charset=utf-8"), IfNoneMatch: aws.String("*")})
	var ae smithy.APIError
	if errors.As(err, &ae) && (ae.ErrorCode() == "PreconditionFailed" || ae.ErrorCode() == "ConditionalRequestConflict") {
		return nil
	}
	if err != nil {
		return s.unreachable(err)
	}
	return nil
}

// Checkpoints lists the checkpoints and reads them, eight at a time; they
// come back in the order of their names (by size).
func (s *S3) Checkpoints(ctx context.Context) ([][]byte, error) {
	var keys []string
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: aws.String(s.dir())})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, s.unreachable(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	sort.Strings(keys)
	notes := make([][]byte, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			notes[i], errs[i] = s.get(ctx, k)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return notes, nil
}

func (s *S3) get(ctx context.Context, key string) ([]byte, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		return nil, s.unreachable(err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, 1<<16+1))
	if err != nil {
		return nil, s.unreachable(err)
	}
	notes, err := Parse(b)
	if err != nil || len(notes) != 1 || len(b) > 1<<16 {
		return nil, attest.Errorf(attest.EINVALID, "witness %s: %s is not one signed checkpoint", s.location, key)
	}
	return notes[0], nil
}

func (s *S3) unreachable(err error) error {
	return attest.Errorf(attest.EUNAVAILABLE, "witness %s: %v", s.location, err)
}
