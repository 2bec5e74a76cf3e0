package bench

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// progress draws a one-line progress bar, redrawn in place with '\r'. A
// nil writer draws nothing.
type progress struct {
	mu   sync.Mutex
	w    io.Writer
	last int // length of the last line drawn
}

// IsTerminal reports whether f is a character device (a terminal), the
// condition for drawing a progress bar on it.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) draw(line string) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pad := max(p.last-len([]rune(line)), 0)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	p.last = len([]rune(line))
}

// clear erases the bar, so that a log line can be written.
func (p *progress) clear() {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.last))
		p.last = 0
	}
}

// bar renders a fraction in [0, 1] as a bar of width cells.
func bar(frac float64, width int) string {
	frac = min(max(frac, 0), 1)
	full := int(frac*float64(width) + 0.5)
	return "[" + strings.Repeat("#", full) + strings.Repeat("-", width-full) + "]"
}
