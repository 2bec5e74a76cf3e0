package chaos

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// proc is one `dengta start` process the harness started. It is stopped
// by its PID only.
type proc struct {
	bin, home, log string
	logLevel       string

	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited
	paused bool
	runs   int
	// expectExit is set while the harness is stopping the process, so its
	// exit is not taken for a crash.
	expectExit bool
}

// start starts the node with its output appended to its log. The process
// gets its own process group (a Ctrl-C at the terminal reaches the
// harness, which stops the nodes itself) and SIGKILL if the harness dies
// first, so that a failed run leaves nothing running.
func (p *proc) start() error {
	if p.running() {
		return fmt.Errorf("%s is already running (pid %d)", p.home, p.cmd.Process.Pid)
	}
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close() // the child has its own descriptor
	p.runs++
	args := []string{"start", "--home", p.home, "--log-level", p.logLevel}
	fmt.Fprintf(f, "=== chaos: start %d: %s %s at %s ===\n", p.runs, p.bin, strings.Join(args, " "), time.Now().Format(time.DateTime))
	cmd := exec.Command(p.bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.home, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	p.cmd, p.done, p.paused, p.expectExit = cmd, done, false, false
	return nil
}

func (p *proc) running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

func (p *proc) pid() int {
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// crashed reports whether the process exited without the harness asking.
func (p *proc) crashed() bool {
	return p.cmd != nil && !p.running() && !p.expectExit
}

// kill sends SIGKILL and waits for the exit.
func (p *proc) kill() error {
	if !p.running() {
		return nil
	}
	p.expectExit = true
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill pid %d: %w", p.pid(), err)
	}
	select {
	case <-p.done:
		p.paused = false
		return nil
	case <-time.After(30 * time.Second):
		return fmt.Errorf("pid %d did not exit within 30 s of SIGKILL", p.pid())
	}
}

// signal sends SIGSTOP or SIGCONT.
func (p *proc) signal(sig syscall.Signal) error {
	if !p.running() {
		return fmt.Errorf("%s is not running", p.home)
	}
	if err := p.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal %v to pid %d: %w", sig, p.pid(), err)
	}
	p.paused = sig == syscall.SIGSTOP
	return nil
}

// stop asks the process to stop (SIGCONT first if it is paused, then
// SIGTERM) and kills it if it has not exited after timeout.
func (p *proc) stop(timeout time.Duration) error {
	if !p.running() {
		return nil
	}
	p.expectExit = true
	if p.paused {
		_ = p.cmd.Process.Signal(syscall.SIGCONT)
		p.paused = false
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(timeout):
	}
	if err := p.kill(); err != nil {
		return err
	}
	return fmt.Errorf("pid %d did not stop within %s of SIGTERM; killed", p.pid(), timeout)
}

// exitState describes how the process ended.
func (p *proc) exitState() string {
	if p.cmd == nil || p.cmd.ProcessState == nil {
		return "not started"
	}
	return p.cmd.ProcessState.String()
}
