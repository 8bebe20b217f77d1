package web

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/attest-dev/attest/ack/acktest"
)

// BenchmarkPortalPage is one GET /portal for a signed-in person with 20
// policies asked of them, through the whole server (session, principal,
// the page's reads, the template), over loopback.
func BenchmarkPortalPage(b *testing.B) {
	// As attest serve runs it: the state of the data read at most every
	// 250 ms.
	f := setupWith(b, func(c *Config) { c.StateRecheck = 250 * time.Millisecond })
	for i := range 20 {
		acktest.Publish(b, f.store, ch, fmt.Sprintf("policy-%02d", i), fmt.Sprintf("Policy %d", i), "# Policy\n\nA rule.\n")
	}
	f.employeeSessionTB(b, "emma")
	req, _ := http.NewRequest("GET", f.srv.URL+"/portal", nil)
	req.AddCookie(f.cookie["emma"])
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := http.DefaultClient.Do(req.Clone(req.Context()))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}
