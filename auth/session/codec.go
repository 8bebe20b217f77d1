package session

import (
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
)

var _ scs.Codec = (*Codec)(nil)

// Codec is scs's gob codec with the decoding of each distinct session
// kept: gob compiles its decoder anew for every message, which cost a
// sixth of a busy server's time, and a signed-in user sends the same
// session bytes with every request. Each caller gets its own copy of the
// values, which scs may change. The encoding is kept too: scs encodes the
// session again at the end of every request (to move its idle expiry),
// almost always with the same values, and gob's encoder cost a third of
// the dashboard's time. It is kept by the values as %#v prints them (with
// their types, and a map's keys in order), so the same bytes come back
// only for the same values. The zero Codec is ready to use.
type Codec struct {
	gob scs.GobCodec
	mu  sync.Mutex
	m   map[string]decoded
	enc map[string][]byte
}

type decoded struct {
	deadline time.Time
	values   map[string]any
}

// Encode implements scs.Codec.
func (c *Codec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	key := fmt.Sprintf("%d|%#v", deadline.UnixNano(), values)
	c.mu.Lock()
	b, ok := c.enc[key]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := c.gob.Encode(deadline, values)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.enc == nil || len(c.enc) > 10000 {
		c.enc = map[string][]byte{}
	}
	c.enc[key] = b
	c.mu.Unlock()
	return b, nil
}

// Decode implements scs.Codec.
func (c *Codec) Decode(b []byte) (time.Time, map[string]any, error) {
	c.mu.Lock()
	d, ok := c.m[string(b)]
	c.mu.Unlock()
	if !ok {
		deadline, values, err := c.gob.Decode(b)
		if err != nil {
			return deadline, values, err
		}
		d = decoded{deadline, values}
		c.mu.Lock()
		if c.m == nil || len(c.m) > 10000 {
			c.m = map[string]decoded{}
		}
		c.m[string(b)] = d
		c.mu.Unlock()
	}
	return d.deadline, maps.Clone(d.values), nil
}
