package sample

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
)

// csvReader reads CSV records fast: a line without a double quote is split
// on commas directly; a record with quotes (which may span lines) is handed
// to encoding/csv, so quoting follows RFC 4180 exactly as that package
// reads it. Fields are valid until the next call.
type csvReader struct {
	// limit, when above 0, stops splitting a quote-free line after that
	// many fields (the rest of the line is left in the last one).
	limit  int
	br     *bufio.Reader
	line   int // the line the last record started on
	next   int // the line the next record starts on
	fields [][]byte
	buf    []byte
}

func newCSVReader(r io.Reader) *csvReader {
	return &csvReader{br: bufio.NewReaderSize(r, 256<<10), next: 1}
}

// readLine returns the next physical line without its line ending, and
// whether one was read.
func (c *csvReader) readLine() ([]byte, bool, error) {
	l, err := c.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		c.buf = append(c.buf[:0], l...)
		for errors.Is(err, bufio.ErrBufferFull) {
			l, err = c.br.ReadSlice('\n')
			c.buf = append(c.buf, l...)
		}
		l = c.buf
	}
	if len(l) == 0 && err != nil {
		return nil, false, err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, err
	}
	return l, true, nil
}

func trimEOL(l []byte) []byte {
	l = bytes.TrimSuffix(l, []byte("\n"))
	return bytes.TrimSuffix(l, []byte("\r"))
}

// Read returns the next record, skipping empty lines as encoding/csv does.
func (c *csvReader) Read() ([][]byte, error) {
	for {
		l, ok, err := c.readLine()
		if !ok {
			return nil, err
		}
		c.line = c.next
		c.next++
		if bytes.IndexByte(l, '"') < 0 {
			t := trimEOL(l)
			if len(t) == 0 {
				continue
			}
			c.fields = c.fields[:0]
			for {
				i := bytes.IndexByte(t, ',')
				if i < 0 || (c.limit > 0 && len(c.fields) == c.limit-1) {
					c.fields = append(c.fields, t)
					break
				}
				c.fields = append(c.fields, t[:i])
				t = t[i+1:]
			}
			return c.fields, nil
		}
		return c.quoted(l)
	}
}

// quoted gathers the lines of a record with quotes until its quotes
// balance, and parses it with encoding/csv.
func (c *csvReader) quoted(first []byte) ([][]byte, error) {
	rec := append([]byte(nil), first...)
	for bytes.Count(rec, []byte(`"`))%2 == 1 {
		l, ok, err := c.readLine()
		if !ok {
			if errors.Is(err, io.EOF) {
				break // unterminated: encoding/csv reports it
			}
			return nil, err
		}
		c.next++
		rec = append(rec, l...)
	}
	cr := csv.NewReader(bytes.NewReader(rec))
	cr.FieldsPerRecord = -1
	fields, err := cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			pe.StartLine += c.line - 1
			pe.Line += c.line - 1
		}
		return nil, err
	}
	if _, err := cr.Read(); !errors.Is(err, io.EOF) {
		// The lines held more than one record: a quote closed and another
		// opened mid-line. Report where this record started.
		return nil, &csv.ParseError{StartLine: c.line, Line: c.line, Err: csv.ErrQuote}
	}
	c.fields = c.fields[:0]
	for _, f := range fields {
		c.fields = append(c.fields, []byte(f))
	}
	return c.fields, nil
}
