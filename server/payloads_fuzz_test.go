package server

import (
	"encoding/json"
	"testing"

	"github.com/attest-dev/attest"
)

// FuzzJobPayload: any payload of any kind is accepted or refused as bad
// input naming the payload, never a panic or another kind of error.
func FuzzJobPayload(f *testing.F) {
	for _, s := range []string{`{}`, `{"input": "x"}`, `{"check": ["", 3]}`, `{"format": "html,,pdf"}`, `{"out": "/"}`, `{"source": "aws", "from": ""}`, `[]`, `null`} {
		for _, k := range jobKinds() {
			f.Add(k, s)
		}
	}
	f.Fuzz(func(t *testing.T, kind, payload string) {
		if !json.Valid([]byte(payload)) {
			return
		}
		err := validPayload(kind, json.RawMessage(payload))
		if err != nil && attest.ErrorCode(err) != attest.EINVALID {
			t.Fatalf("validPayload(%q, %q): %v", kind, payload, err)
		}
	})
}
