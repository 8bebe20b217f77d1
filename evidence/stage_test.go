package evidence_test

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/evidence"
)

// Stage is how every evidence file comes in, from the CLI or the web: a
// program is refused by its type or its first bytes, whatever its name;
// the media type is the sender's, else the name's, else the content's;
// a JSON export's sign-off time is read on the way.
func TestStage(t *testing.T) {
	bs, err := blob.OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, content, want string }{
		{"setup.EXE", "anything", ".EXE files are programs"},
		{"deploy.sh", "#!/bin/sh\n", ".sh files are programs"},
		{"review.pdf", "MZ\x90\x00 a Windows program", "a program, not evidence"},
		{"notes.txt", "\x7fELF\x02\x01", "a program, not evidence"},
		{"", "x", "has no name"},
		{"..", "x", "not allowed"},
		{".", "x", "not allowed"},
		{"../../etc/passwd", "x", "not allowed"},
		{`C:\\fakepath\\review.pdf`, "x", "not allowed"},
		{"review\n.pdf", "x", "control character"},
		{"review\x00.pdf", "x", "control character"},
		{"report\u202efdp.exe.txt", "x", "reorders the text"},
		{strings.Repeat("a", 252) + ".pdf", "x", "at most 255"},
	} {
		_, err := evidence.Stage(bs, c.name, "", strings.NewReader(c.content))
		if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 600)
	for _, c := range []struct{ name, declared, content, want string }{
		{"scan.pdf", "application/pdf", "%PDF-1.7", "application/pdf"},
		{"scan.pdf", "application/octet-stream", "%PDF-1.7", "application/pdf"},
		{"access-review.csv", "", "user,decision\n", "text/csv; charset=utf-8"},
		{"screenshot", "", png, "image/png"},
		{"empty", "", "", "text/plain; charset=utf-8"},
		{"Q1..Q2 review.txt", "", "a name with two dots", "text/plain; charset=utf-8"},
	} {
		it, err := evidence.Stage(bs, c.name, c.declared, strings.NewReader(c.content))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if it.MediaType != c.want || it.Name != c.name || it.Pending.Size != int64(len(c.content)) {
			t.Errorf("%s: %q %q %d, want %q", c.name, it.MediaType, it.Name, it.Pending.Size, c.want)
		}
		bs.Abort([]*blob.Pending{it.Pending})
	}
	it, err := evidence.Stage(bs, "issue.json", "", strings.NewReader(`{"number":7,"state":"closed","closed_at":"2026-03-04T10:00:00Z"}`))
	if err != nil {
		t.Fatal(err)
	}
	if it.Found.When.IsZero() || it.Found.When.Format("2006-01-02") != "2026-03-04" {
		t.Errorf("found: %+v", it.Found)
	}
}

func TestFileName(t *testing.T) {
	if got := evidence.FileName("q1/review\\c:d\x00.pdf"); got != "q1_review_c_d_.pdf" {
		t.Errorf("%q", got)
	}
}
