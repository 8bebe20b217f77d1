// Package fileerr words a file system error once: callers name the path
// themselves, so the error's own copy of it is dropped.
package fileerr

import (
	"errors"
	"io/fs"
	"os"
)

// Reason is why a file operation failed, without the operation and the
// path the error names (a *fs.PathError's or *os.LinkError's cause);
// any other error is returned as it is.
func Reason(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}
