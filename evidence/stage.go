package evidence

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
)

// programTypes are file types that run rather than show something: never
// evidence, and a risk to whoever opens them later.
var programTypes = map[string]bool{".exe": true, ".dll": true, ".com": true, ".scr": true, ".msi": true, ".bat": true, ".cmd": true,
	".ps1": true, ".vbs": true, ".jar": true, ".sh": true, ".app": true, ".elf": true, ".so": true, ".dylib": true, ".apk": true}

// Stage stages one evidence file, read from r, for Add: the CLI's files
// and the web's uploads alike. It refuses a program, by its name's type
// or by its first bytes (a Windows or ELF executable, whatever its name);
// notes its media type (declared, when the sender gave one other than
// application/octet-stream; else by the name's type; else by its
// content); and reads what its content records of when the control was
// performed (Head) while the bytes go to bs. Its refusals do not name
// the file: the caller does (a path, an upload's name). An error reading
// r is returned as it is, for the caller to word (a broken upload, a
// file that cannot be read). The name must pass CheckName.
func Stage(bs blob.Store, name, declared string, r io.Reader) (Item, error) {
	if err := CheckName(name); err != nil {
		return Item{}, err
	}
	if ext := strings.ToLower(path.Ext(name)); programTypes[ext] {
		return Item{}, attest.Errorf(attest.EINVALID, "%s files are programs, not evidence; they are not accepted", path.Ext(name))
	}
	br := bufio.NewReaderSize(r, 512)
	first, err := br.Peek(512)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return Item{}, err
	}
	if bytes.HasPrefix(first, []byte("MZ")) || bytes.HasPrefix(first, []byte("\x7fELF")) {
		return Item{}, attest.Errorf(attest.EINVALID, "a program, not evidence; programs are not accepted")
	}
	mt := declared
	if mt == "" || mt == "application/octet-stream" {
		if mt = mime.TypeByExtension(strings.ToLower(path.Ext(name))); mt == "" {
			mt = http.DetectContentType(first)
		}
	}
	var head Head
	p, err := bs.Stage(io.TeeReader(br, &head))
	if err != nil {
		return Item{}, err
	}
	return Item{Pending: p, Name: name, MediaType: mt, Found: head.Found(name, p.Size)}, nil
}

// CheckName refuses an evidence file's name that is not one plain name:
// an empty one, one holding a folder separator, "." or "..", which climb
// rather than name, one longer than the 255 bytes a file system holds,
// and, as any line of text shown to people (attest.LineProblem), one
// holding a control character or a character that reorders the text (a
// right-to-left override can make an .exe read as a .pdf).
// Two dots inside a name ("Q1..Q2 review.xlsx") are a name like any
// other. The CLI's files (their last path element) and the web's uploads
// (the name as sent: a name that tries to climb is refused, not trimmed)
// both pass through it, in Stage. Its refusals do not name the file, as
// Stage's do not.
func CheckName(name string) error {
	switch problem := attest.LineProblem(name); {
	case name == "":
		return attest.Errorf(attest.EINVALID, "the file has no name")
	case name == "." || name == ".." || strings.ContainsAny(name, "/\\"):
		return attest.Errorf(attest.EINVALID, "the name is not allowed: use a plain name without folders")
	case problem != "":
		return attest.Errorf(attest.EINVALID, "the name %s; rename the file", problem)
	case len(name) > 255:
		return attest.Errorf(attest.EINVALID, "the name is %d bytes long: at most 255, as a file system holds", len(name))
	}
	return nil
}

// FileName is name with the characters a file name cannot hold (folder
// separators, NUL, a drive's colon) replaced by "_": an evidence item's
// name or a source's as a file of its own (an export, a collection).
func FileName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '_'
		}
		return r
	}, name)
}
