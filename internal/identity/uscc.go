package identity

import (
	"fmt"
	"strings"
)

// usccAlphabet is the character set of the unified social credit code
// (统一社会信用代码, GB 32100-2015): digits and capital letters without
// I, O, Z, S and V. A character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidUSCC checks the length, alphabet and check character of a unified
// social credit code.
func ValidUSCC(code string) error {
	if len(code) != 18 {
		return fmt.Errorf("unified social credit code %q has %d characters, want 18", code, len(code))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, code[i])
		if v < 0 {
			return fmt.Errorf("unified social credit code %q: character %q at position %d is not allowed", code, code[i], i+1)
		}
		sum += v * usccWeights[i]
	}
	want := usccAlphabet[(31-sum%31)%31]
	if code[17] != want {
		return fmt.Errorf("unified social credit code %q: check character is %q, want %q", code, code[17], want)
	}
	return nil
}

// USCCCheck returns the check character for the first 17 characters of a
// code; it is used to make valid demo codes.
func USCCCheck(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("need 17 characters, got %d", len(first17))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, first17[i])
		if v < 0 {
			return 0, fmt.Errorf("character %q at position %d is not allowed", first17[i], i+1)
		}
		sum += v * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31], nil
}
