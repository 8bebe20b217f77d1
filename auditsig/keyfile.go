package auditsig

import (
	"crypto/ed25519"
	"os"
	"path/filepath"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/atomicfile"
)

// WriteKeyFiles writes a new key pair: the private key to path (PKCS #8
// PEM, mode 0600, never overwritten) and the public key beside it
// (path.pub, with name as its comment). It returns the key's fingerprint
// and the public key file's path.
func WriteKeyFiles(path, name string) (fingerprint, pubFile string, err error) {
	_, priv, err := NewKey()
	if err != nil {
		return "", "", err
	}
	return WriteKey(path, name, priv)
}

// WriteKey writes a given private key and its public half as
// WriteKeyFiles does (the demo's auditor has a key derived from a fixed
// text). An existing file at path is never overwritten: losing a key means
// enrolling a new one.
func WriteKey(path, name string, priv ed25519.PrivateKey) (fingerprint, pubFile string, err error) {
	if _, err := os.Stat(path); err == nil {
		return "", "", attest.Errorf(attest.ECONFLICT, "%s exists: a key is never overwritten (losing it means enrolling a new one)", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return "", "", attest.Errorf(attest.EINVALID, "the folder %s does not exist", dir)
		}
	}
	pem, err := EncodePrivate(priv)
	if err != nil {
		return "", "", err
	}
	if err := atomicfile.WriteNew(path, pem, 0o600); err != nil {
		return "", "", err
	}
	pub := priv.Public().(ed25519.PublicKey)
	if err := atomicfile.Write(path+".pub", []byte(EncodePublic(pub, name))); err != nil {
		return "", "", err
	}
	return Fingerprint(pub), path + ".pub", nil
}

// ReadKey reads the private key file at path (as WriteKey writes it, or
// any PKCS #8 ed25519 key in PEM).
func ReadKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "auditor key: " + err.Error()}
	}
	priv, err := ParsePrivate(b)
	if err != nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: path + ": " + err.Error()}
	}
	return priv, nil
}
