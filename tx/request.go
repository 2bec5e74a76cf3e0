package tx

import (
	"fmt"
	"strconv"
)

// Signed API requests (ADR 0007). A member's system authenticates a
// request to a node's API with one of its organisation's keys: it sends
//
//	Dengta-Key: <key id>
//	Dengta-Time: <unix seconds>
//	Dengta-Content-SHA256: <hex SHA-256 of the body> | UNSIGNED-PAYLOAD
//	Dengta-Signature: <standard base64 signature of RequestSignBytes>
//
// The node accepts it within RequestWindow of its clock when the key is
// active on chain. UNSIGNED-PAYLOAD leaves the body out of the signature,
// for uploads too large to hold before checking (a content-addressed file,
// whose replay is harmless).
const (
	HeaderKey           = "Dengta-Key"
	HeaderTime          = "Dengta-Time"
	HeaderContentSHA256 = "Dengta-Content-SHA256"
	HeaderSignature     = "Dengta-Signature"
	UnsignedPayload     = "UNSIGNED-PAYLOAD"
	// RequestWindowSeconds is how far a request's time may be from the
	// node's clock, either way.
	RequestWindowSeconds = 300
)

const requestDomain = "dengta/request/v1\x00"

// RequestSignBytes returns what a signed request's signature covers:
// "dengta/request/v1\x00" then the chain id, the method, the request
// target (path and query exactly as sent), the time and the body's hash,
// each followed by a newline.
func RequestSignBytes(chainID, method, target string, unix int64, contentSHA256 string) []byte {
	b := make([]byte, 0, len(requestDomain)+len(chainID)+len(method)+len(target)+len(contentSHA256)+32)
	b = append(b, requestDomain...)
	for _, f := range []string{chainID, method, target, strconv.FormatInt(unix, 10), contentSHA256} {
		b = append(b, f...)
		b = append(b, '\n')
	}
	return b
}

// CheckRequestTime checks a request's time against now (unix seconds).
func CheckRequestTime(unix, now int64) error {
	switch d := unix - now; {
	case d > RequestWindowSeconds:
		return fmt.Errorf("the request's time is %d seconds ahead of the node's clock; set the signer's clock right and sign with the current time (within %d seconds)", d, RequestWindowSeconds)
	case d < -RequestWindowSeconds:
		return fmt.Errorf("the request's time is %d seconds behind the node's clock; sign each request with the current time (within %d seconds), or set the signer's clock right", -d, RequestWindowSeconds)
	}
	return nil
}
