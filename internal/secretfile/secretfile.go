// Package secretfile holds the one rule for a file that keeps a secret (a
// signing key, a client secret, a token): no one but its owner may read
// it, change it or run it.
package secretfile

import "io/fs"

// OwnerOnly reports whether mode leaves a file to its owner alone: no
// permission bit for its group or for others is set. A file holding a
// secret that is not OwnerOnly is refused, with a hint to chmod 600 it.
func OwnerOnly(mode fs.FileMode) bool {
	return mode.Perm()&0o077 == 0
}
