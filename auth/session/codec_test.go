package session

import (
	"reflect"
	"testing"
	"time"
)

// The codec's kept encodings come back only for the same values: the same
// values give the same bytes, and values that print alike but differ in
// type, or differ at all, are encoded again and decode to themselves.
func TestCodecKeepsEncodings(t *testing.T) {
	c := &Codec{}
	deadline := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, values := range []map[string]any{
		{"user": int64(5), "engagement": "e1"},
		{"user": "5", "engagement": "e1"},
		{"user": int64(5), "engagement": "e2"},
		{"user": int64(5), "engagement": "e1", "flash": "Saved."},
		{},
	} {
		for range 2 {
			b, err := c.Encode(deadline, values)
			if err != nil {
				t.Fatal(err)
			}
			d, got, err := (&Codec{}).Decode(b)
			if err != nil || !d.Equal(deadline) || !reflect.DeepEqual(got, values) {
				t.Errorf("%#v: decoded %v %#v %v", values, d, got, err)
			}
		}
	}
	// Another deadline, the same values: encoded again.
	b, _ := c.Encode(deadline.Add(time.Hour), map[string]any{"user": int64(5)})
	if d, _, _ := (&Codec{}).Decode(b); !d.Equal(deadline.Add(time.Hour)) {
		t.Errorf("deadline %v", d)
	}
}

// TestCodecDecodesCopies: a kept decoding is handed out as a copy each
// time, so scs changing one request's values leaves the next request's
// as they were stored.
func TestCodecDecodesCopies(t *testing.T) {
	c := &Codec{}
	b, err := c.Encode(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), map[string]any{"user": int64(5)})
	if err != nil {
		t.Fatal(err)
	}
	_, first, _ := c.Decode(b)
	first["user"] = int64(6)
	first["flash"] = "Saved."
	if _, again, _ := c.Decode(b); !reflect.DeepEqual(again, map[string]any{"user": int64(5)}) {
		t.Errorf("the second decoding: %#v", again)
	}
	if _, _, err := c.Decode([]byte("not gob")); err == nil {
		t.Error("bytes that are not a session decode")
	}
}
