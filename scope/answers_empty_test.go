package scope

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
)

// An answers file with no answers says so, instead of advising on nothing.
func TestEmptyAnswersFile(t *testing.T) {
	for _, in := range []string{"", "\n", "# only a comment\n", "{}", "---\n"} {
		_, err := ParseAnswers("answers.yaml", []byte(in))
		if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "answers.yaml: the file is empty") {
			t.Errorf("%q: %v", in, err)
		}
	}
}
