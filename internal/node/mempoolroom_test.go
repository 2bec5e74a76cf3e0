package node

import "testing"

func TestMempoolRoom(t *testing.T) {
	const limit, maxBytes = 5000, 256 << 20
	for _, tc := range []struct {
		name  string
		size  int
		bytes int64
		want  int
	}{
		{"empty", 0, 0, 5000},
		{"small transactions: the count binds", 1000, 1000 * 463, 4000},
		{"full by count", 5000, 5000 * 463, 0},
		{"over the count (a smaller limit after a restart)", 5200, 5200 * 463, 0},
		{"full by bytes", 10, maxBytes, 0},
		{"64 KiB scan batches: the bytes bind", 3000, 3000 << 16, (maxBytes - 3000<<16) >> 16},
		{"one byte short of the limit", 1, maxBytes - 1, 0},
	} {
		if got := mempoolRoom(limit, tc.size, maxBytes, tc.bytes); got != tc.want {
			t.Errorf("%s: mempoolRoom(%d, %d, %d, %d) = %d, want %d", tc.name, limit, tc.size, maxBytes, tc.bytes, got, tc.want)
		}
	}
}
