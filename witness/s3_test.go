package witness_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/attest-dev/attest/witness"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestS3 runs against the S3-compatible server that .ci/run starts
// (ATTEST_TEST_S3=1 with AWS_ENDPOINT_URL and credentials set). Without it
// the test skips, except under CI.
func TestS3(t *testing.T) {
	if os.Getenv("ATTEST_TEST_S3") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("ATTEST_TEST_S3 is not set: under CI the S3 tests must run (.ci/run starts a server)")
		}
		t.Skip("no S3-compatible server: set ATTEST_TEST_S3=1 and AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (bash .ci/run starts one)")
	}
	ctx := context.Background()
	var b [6]byte
	rand.Read(b[:])
	bucket := "attest-witness-" + hex.EncodeToString(b[:])
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	w, err := witness.Open(ctx, "s3://"+bucket+"/ledger-witness", witness.Options{S3PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	if w.Name() != "s3://"+bucket+"/ledger-witness" {
		t.Errorf("Name = %q", w.Name())
	}
	conformance(t, w)

	// Another ledger's checkpoint of the same size and root is kept beside
	// the first, for verify to find.
	if err := w.Send(ctx, newSigner(t, "attest-0000bbbb").sign(9)); err != nil {
		t.Fatal(err)
	}
	if got, err := w.Checkpoints(ctx); err != nil || len(got) != 5 {
		t.Errorf("after another ledger's checkpoint: %d checkpoints, %v", len(got), err)
	}

	// The server refuses to overwrite (what Send relies on), and an object
	// that is not a checkpoint is an error naming it.
	key := "ledger-witness/checkpoints/" + strings.Repeat("0", 19) + "9-" + strings.Repeat("ab", 32) + "-00000000"
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")}); err != nil {
		t.Fatalf("a new name: %v", err)
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader("y"), IfNoneMatch: aws.String("*")}); err == nil {
		t.Error("the server overwrote an object despite If-None-Match: *")
	}
	if _, err := w.Checkpoints(ctx); err == nil || !strings.Contains(err.Error(), "is not one signed checkpoint") {
		t.Errorf("an object that is not a checkpoint: %v", err)
	}
}
