package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// S3 is a blob store in an S3-compatible bucket, under
// PREFIX/sha256/<hex>. Blobs are staged in a local folder while hashed,
// then uploaded write-once (If-None-Match: *) with their SHA-256 checksum,
// which the server verifies; files over PartSize go up in parts.
type S3 struct {
	client   *s3.Client
	bucket   string
	prefix   string
	staging  *FS
	MaxSize  int64
	PartSize int64
}

// ParseS3URL splits s3://bucket/prefix.
func ParseS3URL(raw string) (bucket, prefix string, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return "", "", attest.Errorf(attest.EINVALID, "blob store %q: want s3://bucket/prefix", raw)
	}
	return u.Host, strings.Trim(u.Path, "/"), nil
}

// OpenS3 opens the bucket named by an s3://bucket/prefix URL. Endpoint,
// region and credentials come from the environment as the AWS SDK reads
// them (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, ...). pathStyle
// addresses the bucket by path, as S3-compatible servers at an endpoint of
// their own expect (cmd/attest sets it when an endpoint is configured).
// stagingDir is a local folder for blobs being hashed.
func OpenS3(ctx context.Context, rawURL, stagingDir string, pathStyle bool) (*S3, error) {
	bucket, prefix, err := ParseS3URL(rawURL)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("S3 configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = pathStyle
		// Attest re-hashes every blob it reads; the SDK's note that it
		// could not check a multipart object's composite checksum is noise.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	staging, err := OpenFS(stagingDir)
	if err != nil {
		return nil, err
	}
	return &S3{client: client, bucket: bucket, prefix: prefix, staging: staging, MaxSize: DefaultMaxSize, PartSize: 16 << 20}, nil
}

func (s *S3) key(r Ref) string { return path.Join(s.prefix, "sha256", r.hex()) }

// SetMaxSize sets the largest blob accepted.
func (s *S3) SetMaxSize(n int64) { s.MaxSize = n }

// Stage hashes r into a local temporary file.
func (s *S3) Stage(r io.Reader) (*Pending, error) {
	s.staging.MaxSize = s.MaxSize
	return s.staging.Stage(r)
}

// Abort removes staged files.
func (s *S3) Abort(ps []*Pending) { s.staging.Abort(ps) }

// CleanTemp removes old staged files.
func (s *S3) CleanTemp(age time.Duration) { s.staging.CleanTemp(age) }

// Commit uploads the staged blobs. An object that already exists holds the
// same bytes (its name is their hash), so a 412 from If-None-Match is
// success. A failure leaves nothing recorded: the caller records evidence
// only after Commit returns.
func (s *S3) Commit(ps []*Pending) error {
	ctx := context.Background()
	defer s.staging.Abort(ps)
	for _, p := range ps {
		if err := s.upload(ctx, p); err != nil {
			return fmt.Errorf("upload %s: %w", p.Ref, err)
		}
	}
	return nil
}

func preconditionFailed(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "PreconditionFailed" || ae.ErrorCode() == "ConditionalRequestConflict")
}

func (s *S3) upload(ctx context.Context, p *Pending) error {
	digest, err := hex.DecodeString(p.Ref.hex())
	if err != nil {
		return err
	}
	f, err := os.Open(p.tmp)
	if err != nil {
		return err
	}
	defer f.Close()
	if p.Size <= s.PartSize {
		_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: &s.bucket, Key: aws.String(s.key(p.Ref)), Body: f, ContentLength: aws.Int64(p.Size),
			IfNoneMatch: aws.String("*"), ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(digest)),
		})
		if preconditionFailed(err) {
			return nil
		}
		return err
	}
	return s.uploadParts(ctx, p, f)
}

// uploadParts sends a large blob in parts, each with its own SHA-256 the
// server checks, and completes it write-once.
func (s *S3) uploadParts(ctx context.Context, p *Pending, f *os.File) error {
	key := s.key(p.Ref)
	up, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &s.bucket, Key: &key, ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
	if err != nil {
		return err
	}
	abort := func() {
		s.client.AbortMultipartUpload(context.Background(), &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: &key, UploadId: up.UploadId})
	}
	var parts []types.CompletedPart
	buf := make([]byte, s.PartSize)
	for n := int32(1); ; n++ {
		k, rerr := io.ReadFull(f, buf)
		if k > 0 {
			sum := sha256.Sum256(buf[:k])
			cs := base64.StdEncoding.EncodeToString(sum[:])
			out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{Bucket: &s.bucket, Key: &key, UploadId: up.UploadId, PartNumber: aws.Int32(n),
				Body: bytes.NewReader(buf[:k]), ContentLength: aws.Int64(int64(k)), ChecksumAlgorithm: types.ChecksumAlgorithmSha256, ChecksumSHA256: &cs})
			if err != nil {
				abort()
				return err
			}
			parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n), ChecksumSHA256: &cs})
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			abort()
			return rerr
		}
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &s.bucket, Key: &key, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}, IfNoneMatch: aws.String("*")})
	if preconditionFailed(err) {
		abort()
		return nil
	}
	if err != nil {
		abort()
	}
	return err
}

// Put stores the bytes of r.
func (s *S3) Put(r io.Reader) (Ref, int64, error) {
	p, err := s.Stage(r)
	if err != nil {
		return "", 0, err
	}
	if err := s.Commit([]*Pending{p}); err != nil {
		return "", 0, err
	}
	return p.Ref, p.Size, nil
}

func notFoundErr(err error) bool {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	var ae smithy.APIError
	return errors.As(err, &nsk) || errors.As(err, &nf) || (errors.As(err, &ae) && (ae.ErrorCode() == "NotFound" || ae.ErrorCode() == "NoSuchKey"))
}

// Open returns a reader of the blob's bytes, unchecked.
func (s *S3) Open(r Ref) (io.ReadCloser, error) {
	out, err := s.client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(s.key(r))})
	if notFoundErr(err) {
		return nil, attest.Errorf(attest.ENOTFOUND, "blob %s is missing from the bucket", r)
	}
	if err != nil {
		return nil, err
	}
	return out.Body, nil
}

// Has reports whether the blob is present.
func (s *S3) Has(r Ref) bool {
	_, err := s.client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &s.bucket, Key: aws.String(s.key(r))})
	return err == nil
}

// Verify downloads and re-hashes the blob.
func (s *S3) Verify(r Ref) (int64, error) {
	rc, err := s.Open(r)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	return checkHash(r, rc)
}

// Delete removes a blob (for a retention purge).
func (s *S3) Delete(r Ref) error {
	_, err := s.client.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: &s.bucket, Key: aws.String(s.key(r))})
	if notFoundErr(err) {
		return nil
	}
	return err
}

// Walk calls fn for every blob in the bucket under the prefix.
func (s *S3) Walk(fn func(Ref) error) error {
	return s.List(func(i Info) error { return fn(i.Ref) })
}

// List calls fn for every blob in the bucket under the prefix, with the
// size and last-modified time ListObjectsV2 gives.
func (s *S3) List(fn func(Info) error) error {
	pfx := path.Join(s.prefix, "sha256") + "/"
	pager := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: &pfx})
	for pager.HasMorePages() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			return err
		}
		for _, o := range page.Contents {
			ref, err := ParseRef("sha256:" + strings.TrimPrefix(aws.ToString(o.Key), pfx))
			if err != nil {
				continue
			}
			if err := fn(Info{Ref: ref, Size: aws.ToInt64(o.Size), ModTime: aws.ToTime(o.LastModified)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// Stat describes one blob from its object's metadata.
func (s *S3) Stat(r Ref) (Info, error) {
	out, err := s.client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &s.bucket, Key: aws.String(s.key(r))})
	if notFoundErr(err) {
		return Info{}, attest.Errorf(attest.ENOTFOUND, "blob %s is missing from the bucket", r)
	}
	if err != nil {
		return Info{}, err
	}
	return Info{Ref: r, Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified)}, nil
}

// StagedFiles lists the files in the local staging folder.
func (s *S3) StagedFiles() ([]Info, error) { return s.staging.StagedFiles() }

// RemoveStaged removes a file from the local staging folder.
func (s *S3) RemoveStaged(name string) error { return s.staging.RemoveStaged(name) }

// Client returns the S3 client (for tests and tools).
func (s *S3) Client() *s3.Client { return s.client }

// Location returns the bucket and key that hold a blob.
func (s *S3) Location(r Ref) (bucket, key string) { return s.bucket, s.key(r) }
