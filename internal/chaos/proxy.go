package chaos

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// link is a TCP proxy for the peer-to-peer connections one node (src)
// dials to another (dst): src's persistent peer entry for dst names the
// link's address instead of dst's. Every pair of nodes has its own link
// in each direction, so cutting every link that starts or ends at a node
// cuts that node off from all the others, whichever side dialled.
type link struct {
	src, dst int
	ln       net.Listener
	target   string // dst's real P2P address

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// newLink listens on ip (port chosen by the OS) and forwards to target.
func newLink(src, dst int, ip, target string) (*link, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return nil, err
	}
	l := &link{src: src, dst: dst, ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	l.wg.Go(l.serve)
	return l, nil
}

// addr is the address src dials for dst.
func (l *link) addr() string { return l.ln.Addr().String() }

func (l *link) serve() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if !l.track(c) {
			c.Close()
			continue
		}
		l.wg.Go(func() { l.forward(c) })
	}
}

// track registers c unless the link is cut.
func (l *link) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cut {
		return false
	}
	l.conns[c] = struct{}{}
	return true
}

func (l *link) untrack(cs ...net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range cs {
		delete(l.conns, c)
	}
}

func (l *link) forward(in net.Conn) {
	defer in.Close()
	out, err := net.DialTimeout("tcp", l.target, 3*time.Second)
	if err != nil {
		l.untrack(in)
		return
	}
	defer out.Close()
	if !l.track(out) {
		l.untrack(in)
		return
	}
	defer l.untrack(in, out)
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		// Either side ending ends both.
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go pipe(out, in)
	go pipe(in, out)
	<-done
	<-done
}

// setCut cuts the link (closing every connection through it and refusing
// new ones) or heals it.
func (l *link) setCut(cut bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cut = cut
	if cut {
		for c := range l.conns {
			c.Close()
		}
	}
}

// close stops the link and waits for its goroutines.
func (l *link) close() {
	l.ln.Close()
	l.setCut(true)
	l.wg.Wait()
}
