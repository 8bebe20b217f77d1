//go:build !linux

package main

import "os"

// dropCached does nothing: TestStartupCost runs on Linux only.
func dropCached(*os.File) error { return nil }
