package attest

import "testing"

// TestCheckLine: a name is one line of text that shows as it reads.
func TestCheckLine(t *testing.T) {
	for s, bad := range map[string]bool{
		"Ana Lima": false, "Zoë O'Brien-Ünal": false, "山田 太郎": false, "": false, "עברית": false,
		"Ana\nLima": true, "Ana\tLima": true, "Ana\x00": true, "\x1b[31mAna": true, "Ana\u0085": true,
		"Ana \u202eamiL": true, "\u2066Ana\u2069": true,
	} {
		if err := CheckLine("name", s); (err != nil) != bad || (bad && ErrorCode(err) != EINVALID) {
			t.Errorf("%q: %v, want refused %v", s, err, bad)
		}
	}
}

// TestShown: what a message quotes shows as it reads.
func TestShown(t *testing.T) {
	if got := Shown("Q1\x00\u202e\xffreview.pdf"); got != "Q1???review.pdf" {
		t.Errorf("%q", got)
	}
}
