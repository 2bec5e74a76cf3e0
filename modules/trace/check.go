package trace

import (
	"errors"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
)

// CheckEvents runs events, in order, through capture as organisation org
// would record them in the next block (at time now) over the state r,
// without writing anything: each event sees what the ones before it would
// have done, an event that would be refused leaves nothing behind. It
// returns each event's outcome: nil (it would be accepted) or the
// refusal, whose reason already_recorded says the chain has it already.
// An EPCIS import shows the outcomes before it signs anything.
func CheckEvents(r Reader, height int64, now time.Time, org string, events []EventInput) ([]error, error) {
	o, ok, err := module.Org(r, org)
	if err != nil {
		return nil, err
	}
	if !ok || !o.Active {
		return nil, refuse(errcode.NotFound, "unknown_org", "org", "org", org)
	}
	doc := newOverlay(r)
	out := make([]error, len(events))
	m := Module{}
	for i := range events {
		b := events[i]
		b.SourceList = slices.Clone(b.SourceList)
		b.DestinationList = slices.Clone(b.DestinationList)
		ev := newOverlay(doc)
		ctx := &module.Context{Height: height, Time: now, Signer: module.Signer{Org: org, Roles: o.Roles}, Store: ev, Check: true}
		ctx.TxHash[0] = byte(i) // distinct, never a real hash
		err := m.capture(ctx, &b)
		if err != nil {
			if AsRefusal(err) == nil {
				return nil, err
			}
			out[i] = err
			continue
		}
		ev.mergeInto(doc)
	}
	return out, nil
}

// overlay is a write buffer over a state: reads see its own writes first.
type overlay struct {
	base   module.Getter
	writes map[string][]byte // nil value: deleted
}

var _ module.KV = (*overlay)(nil)

func newOverlay(base module.Getter) *overlay {
	return &overlay{base: base, writes: map[string][]byte{}}
}

func (o *overlay) Get(key []byte) ([]byte, error) {
	if v, ok := o.writes[string(key)]; ok {
		return v, nil
	}
	return o.base.Get(key)
}

func (o *overlay) Set(key, value []byte) error {
	if len(value) == 0 {
		return errors.New("trace: empty value")
	}
	o.writes[string(key)] = slices.Clone(value)
	return nil
}

func (o *overlay) Delete(key []byte) error {
	o.writes[string(key)] = nil
	return nil
}

func (o *overlay) mergeInto(dst *overlay) {
	for k, v := range o.writes {
		dst.writes[k] = v
	}
}
