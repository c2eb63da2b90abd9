package faults

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// throwaway is one service of deploy/local started on free ports in a
// temporary data directory, so that a case can stop and start it without
// touching the services every other test shares (as lifecycle_test.sh does).
type throwaway struct {
	t       testing.TB
	service string // postgres, clickhouse or kafka
	dir     string
	env     []string
	port    int // the client port
}

// repoRoot is the repository, one level above this package.
func repoRoot(t testing.TB) string {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func newThrowaway(t testing.TB, service string) *throwaway {
	t.Helper()
	dir, err := os.MkdirTemp("", "shopsync-faults-"+service+"-")
	if err != nil {
		t.Fatal(err)
	}
	// The postgres user must reach its data below it.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tw := &throwaway{t: t, service: service, dir: dir}
	tw.env = append(tw.env, "SHOPSYNC_DATA_DIR="+dir)
	for _, v := range []string{"SHOPSYNC_PG_PORT", "SHOPSYNC_CH_PORT", "SHOPSYNC_CH_HTTP_PORT", "SHOPSYNC_KAFKA_PORT", "SHOPSYNC_KAFKA_CONTROLLER_PORT"} {
		port := freePort(t)
		tw.env = append(tw.env, fmt.Sprintf("%s=%d", v, port))
		if (service == "postgres" && v == "SHOPSYNC_PG_PORT") || (service == "clickhouse" && v == "SHOPSYNC_CH_PORT") ||
			(service == "kafka" && v == "SHOPSYNC_KAFKA_PORT") {
			tw.port = port
		}
	}
	// The broker's libraries are those of the shared data directory: copy
	// them rather than ask Maven again.
	libs := filepath.Join(repoRoot(t), ".data", "kafka", "libs")
	if _, err := os.Stat(libs); err == nil && service == "kafka" {
		if err := os.MkdirAll(filepath.Join(dir, "kafka"), 0o755); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("cp", "-a", libs, filepath.Join(dir, "kafka", "libs")).CombinedOutput(); err != nil {
			t.Fatalf("copy the broker's libraries: %v\n%s", err, out)
		}
	}
	t.Cleanup(func() {
		tw.script("down")
		_ = os.RemoveAll(dir)
	})
	return tw
}

// up starts the service and waits until it is ready (the script's own wait).
func (tw *throwaway) up() time.Duration {
	tw.t.Helper()
	start := time.Now()
	if out, err := tw.script("up"); err != nil {
		tw.t.Fatalf("throwaway %s up: %v\n%s", tw.service, err, out)
	}
	return time.Since(start)
}

// down stops the service.
func (tw *throwaway) down() {
	tw.t.Helper()
	if out, err := tw.script("down"); err != nil {
		tw.t.Fatalf("throwaway %s down: %v\n%s", tw.service, err, out)
	}
}

func (tw *throwaway) script(action string) (string, error) {
	cmd := exec.Command("bash", filepath.Join(repoRoot(tw.t), "deploy", "local", tw.service+".sh"), action)
	cmd.Env = append(os.Environ(), tw.env...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// url is how shopsync reaches the service (a database named shopsync).
func (tw *throwaway) url() string {
	switch tw.service {
	case "postgres":
		return fmt.Sprintf("postgres://shopsync@127.0.0.1:%d/shopsync?sslmode=disable", tw.port)
	case "clickhouse":
		return fmt.Sprintf("clickhouse://127.0.0.1:%d/shopsync", tw.port)
	default:
		return fmt.Sprintf("127.0.0.1:%d", tw.port)
	}
}

// freePort is a port for a throwaway service (ports_test.go).
func freePort(t testing.TB) int {
	t.Helper()
	return quietPort(t)
}
