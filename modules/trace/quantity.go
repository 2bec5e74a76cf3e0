package trace

import (
	"math"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
)

// Class-level quantities (EPCIS quantity lists: 200 kg of lot L, 10
// cases of GTIN G) have custodians too: the ledger says how much of each
// class, in each unit, each organisation holds, and what is in transit
// between two organisations. Creating a quantity (ObjectEvent ADD, a
// transformation's output) adds to the creator's holding; shipping moves
// it from the sender's holding into transit to the receiver; receiving
// moves it into the receiver's holding; selling, destroying, packing into
// a container and consuming in a transformation take it from the holding.
// Units are never converted: 5 KGM and 5 LBR are two holdings.

// ledger buffers one event's quantity changes.
type ledger struct {
	kv       module.KV
	holds    map[string]int64 // qty key -> amount, loaded lazily
	transits map[string]*Transits
	dirtyH   map[string]bool
	dirtyT   map[string]bool
}

func newLedger(kv module.KV) *ledger {
	return &ledger{kv: kv, holds: map[string]int64{}, transits: map[string]*Transits{}, dirtyH: map[string]bool{}, dirtyT: map[string]bool{}}
}

func (l *ledger) holding(class, uom, org string) (int64, error) {
	k := string(qtyKey(class, uom, org))
	if v, ok := l.holds[k]; ok {
		return v, nil
	}
	raw, err := l.kv.Get([]byte(k))
	if err != nil {
		return 0, err
	}
	var v int64
	if raw != nil {
		if v, err = parseDecimal("", string(raw)); err != nil {
			return 0, errcode.New(errcode.Internal, "trace: corrupt holding %s: %q", k, raw)
		}
	}
	l.holds[k] = v
	return v, nil
}

// add changes org's holding by delta, refusing to take more than it
// holds.
func (l *ledger) add(field, class, uom, org string, delta int64) error {
	v, err := l.holding(class, uom, org)
	if err != nil {
		return err
	}
	if delta < 0 && v < -delta {
		return refuse(errcode.RuleViolation, "not_enough_held", field, "class", class, "org", org, "held", formatDecimal(v)+unitSuffix(uom), "want", formatDecimal(-delta)+unitSuffix(uom))
	}
	if delta > 0 && v > math.MaxInt64-delta {
		return refuse(errcode.RuleViolation, "quantity_overflow", field, "class", class)
	}
	l.holds[string(qtyKey(class, uom, org))] = v + delta
	l.dirtyH[string(qtyKey(class, uom, org))] = true
	return nil
}

func unitSuffix(uom string) string {
	if uom == "" {
		return ""
	}
	return " " + uom
}

func (l *ledger) transit(class, uom string) (*Transits, error) {
	k := string(transitKey(class, uom))
	if t, ok := l.transits[k]; ok {
		return t, nil
	}
	t := &Transits{Class: class, UOM: uom, Lines: []Transit{}}
	if _, err := module.GetJSON(l.kv, []byte(k), t); err != nil {
		return nil, err
	}
	l.transits[k] = t
	return t, nil
}

// ship moves amount of org's holding into transit to a receiver.
func (l *ledger) ship(field, class, uom, from, to, newOwner string, amount int64, pos string) error {
	if err := l.add(field, class, uom, from, -amount); err != nil {
		return err
	}
	t, err := l.transit(class, uom)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.Lines, func(x Transit) bool { return x.From == from && x.To == to && x.NewOwner == newOwner })
	if i < 0 {
		if len(t.Lines) >= MaxOpenTransits {
			return refuse(errcode.RuleViolation, "too_many_transits", field, "class", class, "max", itoaInt(MaxOpenTransits))
		}
		t.Lines = append(t.Lines, Transit{From: from, To: to, NewOwner: newOwner, Amount: "0", Event: pos})
		slices.SortFunc(t.Lines, func(a, b Transit) int {
			return strings.Compare(a.From+"\x00"+a.To+"\x00"+a.NewOwner, b.From+"\x00"+b.To+"\x00"+b.NewOwner)
		})
		i = slices.IndexFunc(t.Lines, func(x Transit) bool { return x.From == from && x.To == to && x.NewOwner == newOwner })
	}
	cur, _ := parseDecimal("", string(t.Lines[i].Amount))
	if cur > math.MaxInt64-amount {
		return refuse(errcode.RuleViolation, "quantity_overflow", field, "class", class)
	}
	t.Lines[i].Amount = Decimal(formatDecimal(cur + amount))
	l.dirtyT[string(transitKey(class, uom))] = true
	return nil
}

// settle takes amount out of the transit lines that match (in their
// sorted order) and gives each part to whom take says; it refuses when the
// lines hold less than amount.
func (l *ledger) settle(field, class, uom string, amount int64, match func(Transit) bool, take func(Transit, int64) error, reason string, kv ...string) error {
	t, err := l.transit(class, uom)
	if err != nil {
		return err
	}
	var avail int64
	for _, x := range t.Lines {
		if match(x) {
			v, _ := parseDecimal("", string(x.Amount))
			avail += v
		}
	}
	if avail < amount {
		return refuse(errcode.RuleViolation, reason, field, append(kv, "class", class, "open", formatDecimal(avail)+unitSuffix(uom), "want", formatDecimal(amount)+unitSuffix(uom))...)
	}
	left := amount
	var keep []Transit
	for _, x := range t.Lines {
		if left > 0 && match(x) {
			v, _ := parseDecimal("", string(x.Amount))
			part := min(v, left)
			if err := take(x, part); err != nil {
				return err
			}
			left -= part
			if v -= part; v == 0 {
				continue
			}
			x.Amount = Decimal(formatDecimal(v))
		}
		keep = append(keep, x)
	}
	if keep == nil {
		keep = []Transit{}
	}
	t.Lines = keep
	l.dirtyT[string(transitKey(class, uom))] = true
	return nil
}

// flush writes the changed holdings and transits, in key order.
func (l *ledger) flush() error {
	for _, k := range sortedKeys(l.dirtyH) {
		v := l.holds[k]
		rest := strings.TrimPrefix(k, qtyPrefix)
		hk := []byte(holderPrefix + rest)
		if v == 0 {
			if err := l.kv.Delete([]byte(k)); err != nil {
				return err
			}
			if err := l.kv.Delete(hk); err != nil {
				return err
			}
			continue
		}
		if err := l.kv.Set([]byte(k), []byte(formatDecimal(v))); err != nil {
			return err
		}
		if err := l.kv.Set(hk, present); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(l.dirtyT) {
		t := l.transits[k]
		if len(t.Lines) == 0 {
			if err := l.kv.Delete([]byte(k)); err != nil {
				return err
			}
			continue
		}
		if err := module.PutJSON(l.kv, []byte(k), t); err != nil {
			return err
		}
	}
	return nil
}

func itoaInt(n int) string { return formatDecimal(int64(n) * decimalScale) }
