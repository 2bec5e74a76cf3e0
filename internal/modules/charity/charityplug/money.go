package charityplug

import (
	"fmt"
	"strings"
)

// parseYuan reads an amount of yuan ("1,000.00", "12.5", "¥300") into
// fen, without floating point.
func parseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || hasFrac && frac == "" {
		return 0, fmt.Errorf("%q is not an amount of yuan like 1,000.00", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var fen int64
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not an amount of yuan like 1,000.00", s)
		}
		if fen > (1<<62)/10 {
			return 0, fmt.Errorf("%q is too large", s)
		}
		fen = fen*10 + int64(c-'0')
	}
	return fen, nil
}

// formatYuan writes fen as yuan with thousands separators: 123456 ->
// "1,234.56".
func formatYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	whole := fmt.Sprint(fen / 100)
	var b strings.Builder
	for i := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	return fmt.Sprintf("%s%s.%02d", sign, b.String(), fen%100)
}
