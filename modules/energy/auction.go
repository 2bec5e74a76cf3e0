package energy

import (
	"cmp"
	"slices"
)

// The double auction of one delivery interval, at one uniform price.
//
// Bids (to buy) are ranked by price, highest first, asks (to sell) by
// price, lowest first; orders at the same price rank by their place in
// the book (time priority: the order placed first ranks first). Walking
// both rankings together, the best remaining bid is matched with the best
// remaining ask for as many Wh as both still have, while the bid's price
// is at least the ask's. The volume so matched is the most any single
// price could clear: at price p, min(demand at p or above, supply at p
// or below) never exceeds it. The last matched bid's and ask's prices are
// the marginal ones; the clearing price is their mean, rounded down to
// the fen:
//
//	price = floor((marginal bid + marginal ask) / 2)
//
// which lies between them, so every matched buyer pays no more than its
// limit and every matched seller gets no less than its own. Every order
// better than the marginal one on its side is filled whole; the marginal
// orders may be filled in part; orders ranked after them are not filled.
// Everything is integers (Wh, fen per kWh): no floating point, and the
// same books give the same result on every node.

// Bid is an order in an auction: its side, its place in the book (time
// priority), its quantity in Wh and its limit price in fen per kWh.
type Bid struct {
	Seq   int
	Buy   bool
	Wh    int64
	Price int64
}

// Cleared is an auction's outcome: the uniform price, the volume, the
// marginal prices, and each order's fill, by its index in the input.
type Cleared struct {
	PriceFen       int64
	VolumeWh       int64
	MarginalBidFen int64
	MarginalAskFen int64
	Filled         []int64
}

// Clear runs the auction. The orders are not changed.
func Clear(orders []Bid) Cleared {
	var bids, asks []int
	for i, o := range orders {
		if o.Wh <= 0 {
			continue
		}
		if o.Buy {
			bids = append(bids, i)
		} else {
			asks = append(asks, i)
		}
	}
	slices.SortFunc(bids, func(a, b int) int {
		return cmp.Or(cmp.Compare(orders[b].Price, orders[a].Price), cmp.Compare(orders[a].Seq, orders[b].Seq))
	})
	slices.SortFunc(asks, func(a, b int) int {
		return cmp.Or(cmp.Compare(orders[a].Price, orders[b].Price), cmp.Compare(orders[a].Seq, orders[b].Seq))
	})
	out := Cleared{Filled: make([]int64, len(orders))}
	i, j := 0, 0
	var leftBid, leftAsk int64
	if len(bids) > 0 {
		leftBid = orders[bids[0]].Wh
	}
	if len(asks) > 0 {
		leftAsk = orders[asks[0]].Wh
	}
	for i < len(bids) && j < len(asks) {
		b, a := orders[bids[i]], orders[asks[j]]
		if b.Price < a.Price {
			break
		}
		q := min(leftBid, leftAsk)
		out.Filled[bids[i]] += q
		out.Filled[asks[j]] += q
		out.VolumeWh += q
		out.MarginalBidFen, out.MarginalAskFen = b.Price, a.Price
		leftBid -= q
		leftAsk -= q
		if leftBid == 0 {
			if i++; i < len(bids) {
				leftBid = orders[bids[i]].Wh
			}
		}
		if leftAsk == 0 {
			if j++; j < len(asks) {
				leftAsk = orders[asks[j]].Wh
			}
		}
	}
	if out.VolumeWh > 0 {
		out.PriceFen = (out.MarginalBidFen + out.MarginalAskFen) / 2
	}
	return out
}

// Share splits total fen among parties by their exact shares in
// thousandths of a fen (watt-hours × fen per kWh): each gets the floor of
// its share, and the fen left over go one each to the largest
// remainders, ties to the lower index. The parts add up to total, which
// must be at least the floors' sum and at most it plus the number of
// non-zero remainders.
func Share(total int64, milli []int64) []int64 {
	out := make([]int64, len(milli))
	var sum int64
	for i, m := range milli {
		out[i] = m / 1000
		sum += out[i]
	}
	order := make([]int, len(milli))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(milli[b]%1000, milli[a]%1000) })
	for k := 0; sum < total && k < len(order); k++ {
		out[order[k]]++
		sum++
	}
	return out
}
