//go:build unix

package witness

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockDir takes an exclusive lock on a folder (flock), held until unlock:
// writers of the witness files in it take turns, whichever process they
// run in.
func lockDir(dir string) (unlock func(), err error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(d.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		d.Close()
		return nil, &os.PathError{Op: "lock", Path: dir, Err: err}
	}
	return func() { unix.Flock(int(d.Fd()), unix.LOCK_UN); d.Close() }, nil
}
