package faults

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
)

// result is one case's line of the final table.
type result struct {
	name       string
	sent       int // changes sent: source changes × destinations, or requests for the bad-input cases
	applied    int // of those, in every destination at the end (or: refused, for bad input)
	lost       int
	duplicated int
	passed     bool
}

var (
	resultsMu sync.Mutex
	results   []*result
)

// report starts a case's line; the case fills it in, and whether it passed
// is read when the test ends. did says what the case does, printed at once.
func report(t *testing.T, did string) *result {
	r := &result{name: t.Name()}
	resultsMu.Lock()
	results = append(results, r)
	resultsMu.Unlock()
	fmt.Printf("CASE %s\n  did:   %s\n", t.Name(), did)
	t.Cleanup(func() { r.passed = !t.Failed() })
	return r
}

// found prints what a case found.
func found(t *testing.T, format string, args ...any) {
	t.Helper()
	fmt.Printf("  found: %s\n", fmt.Sprintf(format, args...))
}

// printTable prints every case run, in order.
func printTable(w io.Writer) {
	resultsMu.Lock()
	defer resultsMu.Unlock()
	if len(results) == 0 {
		return
	}
	fmt.Fprintf(w, "\nFAULT SUITE\n%-52s %8s %8s %6s %10s  %s\n", "case", "sent", "applied", "lost", "duplicated", "result")
	fmt.Fprintln(w, strings.Repeat("-", 98))
	var sent, applied, lost, dup int
	for _, r := range results {
		status := "PASS"
		if !r.passed {
			status = "FAIL"
		}
		fmt.Fprintf(w, "%-52s %8d %8d %6d %10d  %s\n", r.name, r.sent, r.applied, r.lost, r.duplicated, status)
		sent, applied, lost, dup = sent+r.sent, applied+r.applied, lost+r.lost, dup+r.duplicated
	}
	fmt.Fprintln(w, strings.Repeat("-", 98))
	fmt.Fprintf(w, "%-52s %8d %8d %6d %10d\n", "total", sent, applied, lost, dup)
}
