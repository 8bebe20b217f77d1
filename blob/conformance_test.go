package blob_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/blob/blobtest"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestFSConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, err := blob.OpenFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestS3Conformance runs against the S3-compatible server that .ci/run
// starts (ATTEST_TEST_S3=1 with AWS_ENDPOINT_URL and credentials set).
// Without it the test skips, except under CI.
func TestS3Conformance(t *testing.T) {
	if os.Getenv("ATTEST_TEST_S3") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("ATTEST_TEST_S3 is not set: under CI the S3 tests must run (.ci/run starts a server)")
		}
		t.Skip("no S3-compatible server: set ATTEST_TEST_S3=1 and AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (bash .ci/run starts one)")
	}
	ctx := context.Background()
	open := func(t *testing.T) *blob.S3 {
		var b [6]byte
		rand.Read(b[:])
		bucket := "attest-test-" + hex.EncodeToString(b[:])
		s, err := blob.OpenS3(ctx, "s3://"+bucket+"/evidence", t.TempDir(), true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	blobtest.Run(t, func(t *testing.T) blob.Store { return open(t) })

	// The server honours write-once uploads: other bytes under an existing
	// blob's name are refused.
	t.Run("WriteOnce", func(t *testing.T) {
		s := open(t)
		ref, _, err := s.Put(strings.NewReader("original"))
		if err != nil {
			t.Fatal(err)
		}
		bucket, key := s.Location(ref)
		_, err = s.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader("forged"), IfNoneMatch: aws.String("*")})
		if err == nil {
			t.Fatal("an existing blob was overwritten")
		}
		if _, err := s.Verify(ref); err != nil {
			t.Errorf("after the refused overwrite: %v", err)
		}
	})
}
