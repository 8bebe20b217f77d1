package evidence

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestPerformedFromContent(t *testing.T) {
	tests := []struct {
		name, file, content string
		when, covers        string // RFC 3339; empty: nothing found
		from                string
	}{
		{"GitHub reviews (REST)", "reviews.json", `[{"id":1,"state":"COMMENTED","submitted_at":"2026-03-02T09:00:00Z"},
			{"id":2,"state":"APPROVED","submitted_at":"2026-03-03T10:00:00Z"},{"id":3,"state":"APPROVED","submitted_at":"2026-03-05T08:00:00Z"}]`,
			"2026-03-05T08:00:00Z", "", "latest approving review"},
		{"gh pr view, approved before the merge", "pr-1042.json", `{"number":1042,"mergedAt":"2026-03-04T12:00:00Z",
			"reviews":[{"state":"APPROVED","submittedAt":"2026-03-03T10:00:00Z"},{"state":"APPROVED","submittedAt":"2026-03-04T11:59:00Z"},{"state":"APPROVED","submittedAt":"2026-03-06T10:00:00Z"}]}`,
			"2026-03-04T11:59:00Z", "2026-03-04T12:00:00Z", "before its merge"},
		{"approved only after the merge", "pr-1043.json", `{"merged_at":"2026-03-04T12:00:00Z",
			"reviews":[{"state":"CHANGES_REQUESTED","submitted_at":"2026-03-03T10:00:00Z"},{"state":"APPROVED","submitted_at":"2026-03-07T10:00:00Z"},{"state":"APPROVED","submitted_at":"2026-03-05T10:00:00Z"}]}`,
			"2026-03-05T10:00:00Z", "2026-03-04T12:00:00Z", "given after its merge"},
		{"never approved", "pr-1044.json", `{"merged_at":"2026-03-04T12:00:00Z","reviews":[{"state":"COMMENTED","submitted_at":"2026-03-03T10:00:00Z"}]}`, "", "", ""},
		{"Jira issue", "OPS-88.json", `{"key":"OPS-88","fields":{"summary":"Q1 access review","resolutiondate":"2026-04-12T16:31:09.000+0200"}}`,
			"2026-04-12T14:31:09Z", "", "Jira"},
		{"GitHub issue", "issue.json", `{"number":7,"state":"closed","closed_at":"2026-04-13T08:00:00Z"}`, "2026-04-13T08:00:00Z", "", "closure"},
		{"access review sign-offs", "review.csv", "user,decision,Signed Off At\nana,keep,2026-04-10\nbo,remove,2026-04-11T17:00:00Z\ncy,keep,\n",
			"2026-04-11T17:00:00Z", "", "column signed_off_at of the export, the latest of 2 sign-offs"},
		{"a check run", "check-run.json", `{"run_at":"2026-05-01T06:00:00Z","results":[]}`, "2026-05-01T06:00:00Z", "", "check run"},
		{"a collection", "collected.json", `{"source":"github","collected_at":"2026-05-01T05:00:00Z","records":[]}`, "2026-05-01T05:00:00Z", "", "collection"},
		{"a CSV without a sign-off column", "users.csv", "user,role\nana,admin\n", "", "", ""},
		{"plain text", "notes.txt", "reviewed, all fine", "", "", ""},
		{"JSON with trailing garbage", "x.json", `{"closed_at":"2026-04-13T08:00:00Z"} {}`, "", "", ""},
		{"a date before 1970", "issue.json", `{"closed_at":"1969-12-31T08:00:00Z"}`, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Performed(tt.file, []byte(tt.content))
			if tt.when == "" {
				if !f.When.IsZero() {
					t.Errorf("found %+v, want nothing", f)
				}
				return
			}
			if !f.When.Equal(at(tt.when)) || !strings.Contains(f.From, tt.from) {
				t.Errorf("found %v from %q, want %s from %q", f.When, f.From, tt.when, tt.from)
			}
			if (tt.covers == "") != f.Covers.IsZero() || (tt.covers != "" && !f.Covers.Equal(at(tt.covers))) {
				t.Errorf("covers %v, want %q", f.Covers, tt.covers)
			}
		})
	}
}

// The collectors' formats, read from the real examples under testdata/
// (their times read off the files by hand).
func TestPerformedFromCollectedFormats(t *testing.T) {
	tests := []struct {
		file, when, from string
	}{
		{"aws/aws-config_sns-notification_example1.json", "2014-03-07T23:47:08Z", "AWS Config capture"}, // 23:47:08.918; the collectors keep whole seconds
		{"prowler/example_output_aws.ocsf.json", "2025-02-14T13:27:03Z", "Prowler"},                     // "time": 1739539623
		{"trivy/alpine-310.json", "2021-08-25T12:20:30.000000005Z", "Trivy"},
		{"okta/okta-openapi_listUsers_example.json", "", ""}, // users carry no performance
	}
	for _, tt := range tests {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "formats", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		f := Performed(filepath.Base(tt.file), b)
		switch {
		case tt.when == "" && !f.When.IsZero():
			t.Errorf("%s: found %+v, want nothing", tt.file, f)
		case tt.when != "" && (!f.When.Equal(at(tt.when)) || !strings.Contains(f.From, tt.from)):
			t.Errorf("%s: found %v from %q, want %s from %q", tt.file, f.When, f.From, tt.when, tt.from)
		}
	}
}

// Head reads a file's content only when it holds the whole file.
func TestHead(t *testing.T) {
	issue := `{"closed_at":"2026-04-13T08:00:00Z"}`
	var h Head
	io.Copy(&h, strings.NewReader(issue))
	if f := h.Found("issue.json", int64(len(issue))); f.When.IsZero() {
		t.Errorf("whole: %+v", f)
	}
	if f := h.Found("issue.json", int64(len(issue))+1); !f.When.IsZero() {
		t.Errorf("a head shorter than the file: %+v", f)
	}
	var big Head
	n, err := io.Copy(&big, io.MultiReader(strings.NewReader(issue), strings.NewReader(strings.Repeat(" ", HeadSize))))
	if err != nil || n != int64(len(issue)+HeadSize) || len(big.buf) != HeadSize {
		t.Fatalf("copied %d (%v), kept %d", n, err, len(big.buf))
	}
	if f := big.Found("issue.json", n); !f.When.IsZero() {
		t.Errorf("a file larger than the head: %+v", f)
	}
	// Binary content is not read, nor held past its first bytes.
	if f := Performed("x.json", append([]byte(issue), 0)); !f.When.IsZero() {
		t.Errorf("binary: %+v", f)
	}
	var bin Head
	n, _ = io.Copy(&bin, io.MultiReader(strings.NewReader(issue+"\x00"), strings.NewReader(strings.Repeat("x", 1<<20))))
	if bin.buf != nil || !bin.Found("x.json", n).When.IsZero() {
		t.Errorf("a binary file is held: %d bytes", len(bin.buf))
	}
	// A large CSV export is held only when its header names a sign-off
	// column.
	rows := strings.Repeat("ana,keep,2026-04-10\n", 1<<15)
	for header, held := range map[string]bool{"user,decision,Signed Off At\n": true, "user,decision,date\n": false} {
		var h Head
		n, _ := io.Copy(&h, strings.NewReader(header+rows))
		found := h.Found("review.csv", n)
		if (h.buf != nil) != held || found.When.IsZero() == held {
			t.Errorf("%q: held %d bytes, found %+v", header, len(h.buf), found)
		}
	}
}

func FuzzPerformed(f *testing.F) {
	f.Add("pr.json", `{"merged_at":"2026-03-04T12:00:00Z","reviews":[{"state":"APPROVED","submitted_at":"2026-03-05T10:00:00Z"}]}`)
	f.Add("review.csv", "user,signed_off_at\nana,2026-04-10\n")
	f.Add("x.json", `{"fields":{"resolutiondate":"2026-04-12T16:31:09.000+0200"}}`)
	f.Add("x.csv", "a,\"b\nc\",d\n")
	f.Add("x.txt", "")
	f.Fuzz(func(t *testing.T, name, content string) {
		got := Performed(name, []byte(content))
		if !got.When.IsZero() && got.From == "" {
			t.Fatalf("a time without its source: %+v", got)
		}
		if !got.When.IsZero() && (got.When.Year() < 1970 || got.When.Location() != time.UTC) {
			t.Fatalf("an implausible time: %v", got.When)
		}
	})
}
