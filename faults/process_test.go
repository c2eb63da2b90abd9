package faults

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proc is one component of the pipeline run as its own bin/shopsync process,
// the way an operator runs it. Its output (JSON log lines) is kept across
// restarts, so a case can scan everything every run of it printed.
type proc struct {
	t    testing.TB
	name string
	args []string
	env  []string

	mu     sync.Mutex
	out    bytes.Buffer
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
	kills  int
}

// lockedWriter appends a process's output to proc.out.
type lockedWriter struct{ p *proc }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.out.Write(b)
}

func newProc(t testing.TB, name string, env []string, args ...string) *proc {
	p := &proc{t: t, name: name, args: args, env: env}
	t.Cleanup(func() { p.stop() })
	return p
}

// start runs the process; it must not be running.
func (p *proc) start() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		p.t.Fatalf("%s: started twice", p.name)
	}
	cmd := exec.Command(shopsyncBin, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = lockedWriter{p}, lockedWriter{p}
	fmt.Fprintf(&p.out, "---- %s start %d: shopsync %s\n", p.name, p.starts+1, strings.Join(p.args, " "))
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("%s: start %s: %v", p.name, shopsyncBin, err)
	}
	p.cmd, p.exited, p.starts = cmd, make(chan struct{}), p.starts+1
	go func(cmd *exec.Cmd, exited chan struct{}) {
		err := cmd.Wait()
		p.mu.Lock()
		fmt.Fprintf(&p.out, "---- %s exited: %v\n", p.name, err)
		p.mu.Unlock()
		close(exited)
	}(cmd, p.exited)
}

// running reports whether the process is alive.
func (p *proc) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill9 sends SIGKILL: the process gets no chance to flush or clean up.
func (p *proc) kill9() {
	p.t.Helper()
	p.signal(syscall.SIGKILL)
	p.mu.Lock()
	p.kills++
	p.mu.Unlock()
}

// stop asks the process to stop (SIGTERM), SIGKILLs it if it has not after
// 20 s, and waits for it. Stopping a stopped process does nothing.
func (p *proc) stop() { p.signal(syscall.SIGTERM) }

func (p *proc) signal(sig syscall.Signal) {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.cmd = nil
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// dump makes a hung process print its goroutines and exit (SIGQUIT), for
// failure messages.
func (p *proc) dump() {
	p.signal(syscall.SIGQUIT)
}

// output is everything the process printed so far, over all its runs.
func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// tail is the end of the output, for failure messages.
func (p *proc) tail(n int) string {
	s := p.output()
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}
