package app

// bodyMemoSize bounds the decoded bodies kept: four times the mempool's
// default size (ADR 0004), a few MB of deposits.
const bodyMemoSize = 20_000

// bodyMemo keeps, by transaction hash, the bodies the mempool's Precheck
// decoded (ADR 0018), so that the block's handler takes the value instead
// of decoding the same bytes again. A body is taken once: a transaction
// that runs again (a replay in a later block) decodes afresh. A body
// forgotten or never admitted here only costs the decoding.
type bodyMemo struct{ *byHash[any] }

func newBodyMemo(capacity int) bodyMemo { return bodyMemo{newByHash[any](capacity)} }

// keep remembers the decoded body of the transaction with hash h; nil
// (an action without a Precheck) is not kept.
func (m bodyMemo) keep(h [32]byte, body any) {
	if body != nil {
		m.put(h, body)
	}
}

// take returns and forgets the body kept for h, or nil.
func (m bodyMemo) take(h [32]byte) any {
	b, _ := m.get(h, true, true)
	return b
}
