package faults

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The scale of the cases: small by default (CI), larger on demand, e.g.
// `make faults FAULTS_ARGS="-faults.products=10000 -faults.kills=20 -faults.outage=60s"`.
var (
	flagProducts = flag.Int("faults.products", 300, "products in the source at the start of a sync case")
	flagChurn    = flag.Int("faults.churn", 150, "changes made in the source while a case's fault is on")
	flagKills    = flag.Int("faults.kills", 4, "kill -9 rounds in the kill case")
	flagOutage   = flag.Duration("faults.outage", 5*time.Second, "how long a service stays down in the outage cases")
	flagConverge = flag.Duration("faults.converge", 3*time.Minute, "longest wait for destinations to equal the plan")
)

// shopsyncBin is the binary the cases run: SHOPSYNC_BIN (the Makefile passes
// bin/shopsync), or one built for this run.
var shopsyncBin string

func TestMain(m *testing.M) {
	flag.Parse()
	code := func() int {
		shopsyncBin = os.Getenv("SHOPSYNC_BIN")
		if shopsyncBin == "" {
			dir, err := os.MkdirTemp("", "shopsync-faults-")
			if err != nil {
				fmt.Fprintln(os.Stderr, "faults:", err)
				return 1
			}
			defer os.RemoveAll(dir)
			shopsyncBin = filepath.Join(dir, "shopsync")
			build := exec.Command("go", "build", "-o", shopsyncBin, "github.com/shopsync/shopsync/cmd/shopsync")
			build.Stdout, build.Stderr = os.Stderr, os.Stderr
			if err := build.Run(); err != nil {
				fmt.Fprintln(os.Stderr, "faults: build shopsync:", err)
				return 1
			}
		}
		code := m.Run()
		printTable(os.Stdout)
		return code
	}()
	os.Exit(code)
}
