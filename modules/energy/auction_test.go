package energy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// reference clears a book the slow, obviously right way: every order
// becomes its watt-hours one by one, ranked as the rules say; the volume
// is the most any price in the book's range clears (checked against the
// unit matching); the marginal units are the last matched bid and ask
// units; each order's fill is how many of its units were matched.
func reference(orders []Bid) Cleared {
	type unit struct {
		order int
		price int64
		seq   int
	}
	var bidUnits, askUnits []unit
	lo, hi := int64(1<<62), int64(-1)
	for i, o := range orders {
		for range o.Wh {
			u := unit{i, o.Price, o.Seq}
			if o.Buy {
				bidUnits = append(bidUnits, u)
			} else {
				askUnits = append(askUnits, u)
			}
		}
		lo, hi = min(lo, o.Price), max(hi, o.Price)
	}
	slices.SortStableFunc(bidUnits, func(a, b unit) int {
		if a.price != b.price {
			return int(b.price - a.price)
		}
		return a.seq - b.seq
	})
	slices.SortStableFunc(askUnits, func(a, b unit) int {
		if a.price != b.price {
			return int(a.price - b.price)
		}
		return a.seq - b.seq
	})
	// The most any single price clears.
	var best int64
	for p := lo; p <= hi; p++ {
		var d, s int64
		for _, u := range bidUnits {
			if u.price >= p {
				d++
			}
		}
		for _, u := range askUnits {
			if u.price <= p {
				s++
			}
		}
		best = max(best, min(d, s))
	}
	out := Cleared{Filled: make([]int64, len(orders))}
	var k int64
	for k < int64(min(len(bidUnits), len(askUnits))) && bidUnits[k].price >= askUnits[k].price {
		k++
	}
	if k != best {
		panic(fmt.Sprintf("reference: unit matching clears %d, the best price %d", k, best))
	}
	out.VolumeWh = k
	for u := range k {
		out.Filled[bidUnits[u].order]++
		out.Filled[askUnits[u].order]++
	}
	if k > 0 {
		out.MarginalBidFen, out.MarginalAskFen = bidUnits[k-1].price, askUnits[k-1].price
		out.PriceFen = (out.MarginalBidFen + out.MarginalAskFen) / 2
	}
	return out
}

func randomBook(r *rand.Rand) []Bid {
	n := r.IntN(14)
	var out []Bid
	for i := range n {
		out = append(out, Bid{Seq: i + 1, Buy: r.IntN(2) == 0, Wh: int64(1 + r.IntN(30)), Price: int64(20 + r.IntN(12))})
	}
	return out
}

// TestClearAgainstReference clears 20,000 random small books (prices on a
// narrow band, so ties are common) both ways, and checks the rules the
// outcome must keep.
func TestClearAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 12))
	traded := 0
	for n := range 20_000 {
		book := randomBook(r)
		got, want := Clear(book), reference(book)
		if got.PriceFen != want.PriceFen || got.VolumeWh != want.VolumeWh || got.MarginalBidFen != want.MarginalBidFen ||
			got.MarginalAskFen != want.MarginalAskFen || !slices.Equal(got.Filled, want.Filled) {
			t.Fatalf("book %d %+v:\nClear     %+v\nreference %+v", n, book, got, want)
		}
		checkOutcome(t, book, got)
		if got.VolumeWh > 0 {
			traded++
		}
	}
	if traded < 5_000 {
		t.Fatalf("only %d of the random books traded", traded)
	}
}

// checkOutcome checks what every clearing keeps: fills within orders,
// both sides filling the volume, individual rationality at the uniform
// price, and no trade left that the price would allow.
func checkOutcome(t *testing.T, book []Bid, c Cleared) {
	t.Helper()
	var bought, sold int64
	for i, o := range book {
		f := c.Filled[i]
		if f < 0 || f > o.Wh {
			t.Fatalf("order %+v filled %d", o, f)
		}
		if f > 0 && (o.Buy && o.Price < c.PriceFen || !o.Buy && o.Price > c.PriceFen) {
			t.Fatalf("order %+v filled at %d, beyond its limit", o, c.PriceFen)
		}
		if o.Buy {
			bought += f
		} else {
			sold += f
		}
	}
	if bought != c.VolumeWh || sold != c.VolumeWh {
		t.Fatalf("volume %d, bought %d, sold %d", c.VolumeWh, bought, sold)
	}
	// An unfilled bid above the price and an unfilled ask below it would
	// trade: the auction must not leave both.
	for i, b := range book {
		for j, a := range book {
			if b.Buy && !a.Buy && b.Price > c.PriceFen && a.Price < c.PriceFen && c.Filled[i] < b.Wh && c.Filled[j] < a.Wh {
				t.Fatalf("bid %+v and ask %+v both left unfilled at %d", b, a, c.PriceFen)
			}
		}
	}
}

func TestClearCases(t *testing.T) {
	for _, tc := range []struct {
		name   string
		book   []Bid
		price  int64
		volume int64
		filled []int64
	}{
		{"empty", nil, 0, 0, []int64{}},
		{"no overlap", []Bid{{1, true, 100, 30}, {2, false, 100, 40}}, 0, 0, []int64{0, 0}},
		{"one each", []Bid{{1, true, 1000, 50}, {2, false, 1000, 40}}, 45, 1000, []int64{1000, 1000}},
		{"odd mean rounds down", []Bid{{1, true, 10, 51}, {2, false, 10, 40}}, 45, 10, []int64{10, 10}},
		{"time priority at one price", []Bid{{1, false, 300, 40}, {2, false, 300, 40}, {3, true, 400, 60}}, 50, 400, []int64{300, 100, 400}},
		{"the better price first", []Bid{{1, false, 300, 45}, {2, false, 300, 40}, {3, true, 400, 60}}, 52, 400, []int64{100, 300, 400}},
		{"the marginal bid in part", []Bid{{1, true, 500, 60}, {2, true, 500, 48}, {3, false, 700, 42}}, 45, 700, []int64{500, 200, 700}},
		{"a zero order is ignored", []Bid{{1, true, 0, 99}, {2, false, 5, 10}, {3, true, 5, 10}}, 10, 5, []int64{0, 5, 5}},
	} {
		got := Clear(tc.book)
		if got.PriceFen != tc.price || got.VolumeWh != tc.volume || !slices.Equal(got.Filled, tc.filled) {
			t.Errorf("%s: price %d volume %d filled %v, want %d %d %v", tc.name, got.PriceFen, got.VolumeWh, got.Filled, tc.price, tc.volume, tc.filled)
		}
	}
}

func TestShare(t *testing.T) {
	for _, tc := range []struct {
		total int64
		milli []int64
		want  []int64
	}{
		{10, []int64{3_333, 3_333, 3_334}, []int64{3, 3, 4}},
		{1, []int64{500, 500}, []int64{1, 0}},
		{0, []int64{400, 400}, []int64{0, 0}},
		{7, []int64{7_000}, []int64{7}},
	} {
		if got := Share(tc.total, tc.milli); !slices.Equal(got, tc.want) {
			t.Errorf("Share(%d, %v) = %v, want %v", tc.total, tc.milli, got, tc.want)
		}
	}
}

// FuzzClear checks the rules on books the fuzzer makes.
func FuzzClear(f *testing.F) {
	f.Add([]byte{1, 10, 50, 0, 10, 40})
	f.Add([]byte{0, 3, 45, 0, 3, 45, 1, 5, 46})
	f.Fuzz(func(t *testing.T, raw []byte) {
		var book []Bid
		for i := 0; i+2 < len(raw) && len(book) < 12; i += 3 {
			book = append(book, Bid{Seq: len(book) + 1, Buy: raw[i]%2 == 1, Wh: int64(raw[i+1] % 40), Price: int64(raw[i+2] % 16)})
		}
		got, want := Clear(book), reference(book)
		if got.PriceFen != want.PriceFen || got.VolumeWh != want.VolumeWh || !slices.Equal(got.Filled, want.Filled) {
			t.Fatalf("book %+v: Clear %+v, reference %+v", book, got, want)
		}
		checkOutcome(t, book, got)
	})
}

// BenchmarkClear clears books of 10,000 orders (half bids, half asks,
// prices spread over 0.30-0.60 yuan per kWh, 0.1-5 kWh each): the auction
// alone, without the state.
func BenchmarkClear(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	book := make([]Bid, 10_000)
	for i := range book {
		book[i] = Bid{Seq: i + 1, Buy: i%2 == 0, Wh: int64(100 + r.IntN(4_900)), Price: int64(30 + r.IntN(31))}
	}
	b.ResetTimer()
	var c Cleared
	for range b.N {
		c = Clear(book)
	}
	if c.VolumeWh == 0 {
		b.Fatal("nothing traded")
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/clearing")
}
