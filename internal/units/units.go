// Package units writes quantities for people, the same way in every
// adapter (the command line and the web pages).
package units

import "fmt"

// Bytes is a size in bytes in binary units, to one decimal: "512 B",
// "1.5 KiB", "20.0 MiB", "1.2 GiB".
func Bytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
