package auditsig

import (
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"
)

func body() Body {
	return Body{V: Version, Engagement: "e1", Key: "SHA256:x", Seq: 2, Prev: "ab", Kind: KindTest, At: "2026-11-02T12:00:00Z", Auditor: 7, Act: json.RawMessage(`{"z":1,"a":"é"}`)}
}

func TestEncodeIsCanonicalAndSigned(t *testing.T) {
	text, err := Encode(body())
	if err != nil {
		t.Fatal(err)
	}
	// RFC 8785: keys sorted, no spaces, UTF-8 kept.
	if !strings.HasPrefix(text, `{"act":{"a":"é","z":1},"at":"2026-11-02T12:00:00Z","auditor":7,"engagement":"e1"`) {
		t.Errorf("not canonical: %s", text)
	}
	b, err := Decode(text)
	if err != nil || b.Seq != 2 || b.Kind != KindTest {
		t.Fatalf("decode: %+v %v", b, err)
	}
	pub, priv, _ := NewKey()
	sig := Sign(priv, text)
	if err := Check(pub, text, sig); err != nil {
		t.Errorf("own signature: %v", err)
	}
	if err := Check(pub, strings.Replace(text, `"seq":2`, `"seq":3`, 1), sig); err == nil {
		t.Error("a changed statement verified")
	}
	other, _, _ := NewKey()
	if err := Check(other, text, sig); err == nil {
		t.Error("another key verified")
	}
	if err := Check(pub, text, "not base64!"); err == nil {
		t.Error("a garbled signature verified")
	}
}

func TestDecodeRefuses(t *testing.T) {
	text, _ := Encode(body())
	for name, bad := range map[string]string{
		"spaces":          strings.Replace(text, `"seq":2`, `"seq": 2`, 1),
		"keys reordered":  `{"v":1,` + strings.Replace(text[1:], `,"v":1`, "", 1),
		"unknown field":   strings.Replace(text, `"v":1`, `"v":1,"w":2`, 1),
		"version":         strings.Replace(text, `"v":1`, `"v":2`, 1),
		"first with prev": strings.Replace(text, `"seq":2`, `"seq":1`, 1),
		"no seq":          strings.Replace(text, `"seq":2`, `"seq":0`, 1),
		"not JSON":        "seq 2",
	} {
		if _, err := Decode(bad); err == nil {
			t.Errorf("%s: accepted %s", name, bad)
		}
	}
}

func TestKeyFiles(t *testing.T) {
	pub, priv, _ := NewKey()
	pem, err := EncodePrivate(priv)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParsePrivate(pem)
	if err != nil || !back.Equal(priv) {
		t.Fatalf("private key round trip: %v", err)
	}
	line := EncodePublic(pub, "Ana  Lima")
	if !strings.HasPrefix(line, PublicKeyPrefix+" ") || !strings.HasSuffix(line, " Ana Lima\n") {
		t.Errorf("public line %q", line)
	}
	for _, text := range []string{line, strings.Fields(line)[1]} {
		got, err := ParsePublic(text)
		if err != nil || !got.Equal(pub) {
			t.Errorf("parse %q: %v", text, err)
		}
	}
	for _, bad := range []string{"", "ssh-ed25519 AAAA", PublicKeyPrefix, PublicKeyPrefix + " AAAA", "!!!"} {
		if _, err := ParsePublic(bad); err == nil {
			t.Errorf("public key %q accepted", bad)
		}
	}
	if _, err := ParsePrivate([]byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")); err == nil {
		t.Error("an RSA block accepted")
	}
	// The fingerprint is the key's, stable, and differs between keys.
	other, _, _ := NewKey()
	if f := Fingerprint(pub); !strings.HasPrefix(f, "SHA256:") || len(f) != 7+43 || f != Fingerprint(ed25519.PublicKey(append([]byte{}, pub...))) || f == Fingerprint(other) {
		t.Errorf("fingerprint %q", f)
	}
}

func FuzzDecode(f *testing.F) {
	text, _ := Encode(body())
	f.Add(text)
	f.Add(`{"v":1}`)
	f.Fuzz(func(t *testing.T, s string) {
		b, err := Decode(s)
		if err != nil {
			return
		}
		// What decodes is canonical: encoding it again gives the same text.
		again, err := Encode(b)
		if err != nil || again != s {
			t.Fatalf("decoded %q, re-encoded %q (%v)", s, again, err)
		}
	})
}

func FuzzParsePublic(f *testing.F) {
	pub, _, _ := NewKey()
	f.Add(EncodePublic(pub, "Ana"))
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePublic(s)
		if err == nil && len(k) != ed25519.PublicKeySize {
			t.Fatalf("%q gave a key of %d bytes", s, len(k))
		}
	})
}

func FuzzParsePrivate(f *testing.F) {
	_, priv, _ := NewKey()
	pem, _ := EncodePrivate(priv)
	f.Add(pem)
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParsePrivate(b)
		if err == nil && len(k) != ed25519.PrivateKeySize {
			t.Fatalf("a key of %d bytes", len(k))
		}
	})
}
