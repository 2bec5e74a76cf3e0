package httpapi

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/dengta-chain/dengta/internal/ratelimit"
)

// Proxies are the reverse proxies a node trusts to report the client's
// address in X-Forwarded-For. Behind none, the client is the connection's
// peer and the header is ignored: anyone can write it.
type Proxies []netip.Prefix

// ParseProxies reads CIDR prefixes or single addresses.
func ParseProxies(list []string) (Proxies, error) {
	var out Proxies
	for _, s := range list {
		s = strings.TrimSpace(s)
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR prefix", s)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR prefix", s)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// ClientIP returns the request's client address: the connection's peer,
// or, when the peer is a trusted proxy, the nearest address in
// X-Forwarded-For that is not one (ratelimit.ClientAddr).
func (ps Proxies) ClientIP(r *http.Request) netip.Addr { return ratelimit.ClientAddr(r, ps) }
