package app

import (
	"crypto/sha256"
	"fmt"
	"testing"
)

func TestHashHex(t *testing.T) {
	for _, h := range [][32]byte{{}, sha256.Sum256([]byte("dengta")), {0xff, 0x0a, 0xa0}} {
		if got, want := hashHex(h), fmt.Sprintf("%X", h); got != want {
			t.Errorf("hashHex = %s, want %s", got, want)
		}
	}
}
