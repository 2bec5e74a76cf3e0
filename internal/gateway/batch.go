package gateway

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/cometbft/cometbft/mempool"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/tx"
)

// Batched ingress (ADR 0018): POST /v1/txs/batch takes many signed
// transactions in one request, for bulk submitters (a scanner fleet, an
// ERP exporting invoices). The node verifies their signatures in parallel,
// admits them to its mempool in the order given (a key's nonces must
// arrive in order), and answers each one's outcome. Nothing is shared
// between the transactions: each is admitted, refused or committed on its
// own, exactly as if it had been sent alone to POST /v1/txs.

// MaxBatchTxs is the most transactions one batch request may carry.
const MaxBatchTxs = 5000

// maxBatchBody bounds a batch request's body: base64 of MaxBatchTxs
// transactions of 2 KiB, or 16 MiB, whichever is larger; a batch of larger
// transactions is split by the client.
const maxBatchBody = 16 << 20

// BatchRequest is the JSON body of POST /v1/txs/batch.
type BatchRequest struct {
	// Txs are the encoded, signed transactions in standard base64, in the
	// order the node must admit them.
	Txs []string `json:"txs"`
}

// Outcomes of one transaction of a batch.
const (
	BatchCommitted = "committed" // committed with code 0
	BatchFailed    = "failed"    // committed, failed in its block (record.code, error)
	BatchAccepted  = "accepted"  // in the mempool (wait=false), not yet committed
	BatchPending   = "pending"   // taken, not committed before the deadline: look it up by hash or send the same bytes again
	BatchRefused   = "refused"   // not taken (error): nothing happened; fix it, or retry mempool_full and unavailable later
)

// BatchItem is the outcome of one transaction of a batch, at its index.
type BatchItem struct {
	Hash   string        `json:"hash,omitempty"`
	Status string        `json:"status"`
	Record *app.TxRecord `json:"record,omitempty"`
	Error  *ErrorBody    `json:"error,omitempty"`
}

// BatchResponse answers POST /v1/txs/batch: one item per transaction, in
// the request's order, and the count of each outcome.
type BatchResponse struct {
	Results []BatchItem    `json:"results"`
	Counts  map[string]int `json:"counts"`
}

func (s *Server) submitBatch(w http.ResponseWriter, r *http.Request) error {
	ctx, stop := context.WithTimeout(r.Context(), s.opts.CommitTimeout)
	defer stop()
	// A node that takes nothing says so first: its mempool may never drain.
	if err := s.refuse(); err != nil {
		return err
	}
	if s.roomSoon(ctx) <= 0 {
		// Reading, decoding and answering a batch that cannot go in would
		// spend the CPU the blocks need to make room (ADR 0018).
		w.Header().Set("Retry-After", "1")
		return errcode.New(errcode.MempoolFull, "the node's mempool is full: nothing of this batch was read or taken; send it again in a moment")
	}
	var req BatchRequest
	err := httpapi.DecodeJSON(r, &req, maxBatchBody)
	bodyRead(r)
	if err != nil {
		return err
	}
	if len(req.Txs) == 0 {
		return errcode.New(errcode.BadRequest, "txs is empty: send at least one transaction")
	}
	if len(req.Txs) > MaxBatchTxs {
		return errcode.New(errcode.TooLarge, "%d transactions in one batch; the limit is %d: split the batch", len(req.Txs), MaxBatchTxs)
	}
	wait, err := waitParam(r)
	if err != nil {
		return err
	}
	// Again: reading a large body takes time, in which the node may have
	// stopped taking transactions.
	if err := s.refuse(); err != nil {
		return err
	}

	out := make([]BatchItem, len(req.Txs))
	raws := make([][]byte, len(req.Txs))
	hashes := make([][32]byte, len(req.Txs))
	for i, b64 := range req.Txs {
		raw, err := decodeBatchTx(b64)
		if err != nil {
			out[i] = refused(err)
			if raw != nil {
				out[i].Hash = fmt.Sprintf("%X", tx.Hash(raw))
			}
			continue
		}
		raws[i], hashes[i] = raw, tx.Hash(raw)
		out[i].Hash = fmt.Sprintf("%X", hashes[i])
	}
	// Signatures of the transactions that fit, as the mempool's room is
	// now the body is read, are verified in parallel; those beyond it are
	// refused unverified, or verified one by one if room frees up.
	s.preVerify(raws, s.mempoolRoom())

	watches := make([]<-chan app.TxRecord, len(raws))
	for i, raw := range raws {
		if raw == nil {
			continue
		}
		ch, cancel := s.app.Expect(hashes[i])
		defer cancel()
		watches[i] = ch
	}
	// stopped is the refusal of the rest of the batch once the mempool is
	// full, or an admission timed out (its successors of the same key
	// could only skip its nonce).
	var stopped error
	for i, raw := range raws {
		if raw == nil {
			continue
		}
		if stopped != nil {
			// Not looked up: the node is overloaded, and a transaction of
			// the rest that was committed before gets its record when it is
			// sent again.
			out[i] = refused(stopped)
			out[i].Hash = fmt.Sprintf("%X", hashes[i])
			watches[i] = nil
			continue
		}
		earlier, err := s.offer(ctx, raw, hashes[i])
		if earlier != nil {
			// Committed before: its record, as POST /v1/txs answers.
			out[i] = committedItem(earlier)
			watches[i] = nil
			continue
		}
		if err != nil {
			switch errcode.Of(err) {
			case errcode.MempoolFull:
				stopped = errcode.New(errcode.MempoolFull, "the node's mempool filled up at an earlier transaction of this batch; send this one again in a moment")
			case errcode.Timeout:
				stopped = errcode.New(errcode.Unavailable, "the node did not admit an earlier transaction of this batch in time; send the batch again from that one (the same bytes are taken once)")
			}
			out[i] = refused(err)
			out[i].Hash = fmt.Sprintf("%X", hashes[i])
			if errcode.Of(err) == errcode.Timeout {
				out[i].Status = BatchPending
			}
			watches[i] = nil
			continue
		}
		out[i].Status = BatchAccepted
	}
	if wait {
		for i, ch := range watches {
			if ch == nil || out[i].Status != BatchAccepted {
				continue
			}
			rec, err := s.await(ctx, ch)
			if err != nil {
				out[i].Status = BatchPending
				out[i].Error = &ErrorBody{Code: uint32(errcode.Timeout), Name: errcode.Timeout.Name(),
					Message: fmt.Sprintf("accepted but not committed within %s; look it up with GET /v1/txs/%s, or send the same bytes again", s.opts.CommitTimeout, out[i].Hash)}
				continue
			}
			out[i] = committedItem(rec)
		}
	}
	resp := BatchResponse{Results: out, Counts: map[string]int{}}
	lang := hintLang(r)
	hints := map[string]string{} // by message: a refused tail repeats one
	for _, it := range out {
		resp.Counts[it.Status]++
		if it.Error != nil && it.Error.Hint == "" {
			key := it.Error.Name + "\x00" + it.Error.Message
			h, ok := hints[key]
			if !ok {
				h = s.hint(errcode.Code(it.Error.Code), it.Error.Message, lang, "")
				hints[key] = h
			}
			it.Error.Hint = h
		}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func decodeBatchTx(b64 string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, errcode.New(errcode.Malformed, "not standard base64: %v", err)
	}
	if len(raw) == 0 {
		return nil, errcode.New(errcode.Malformed, "empty transaction")
	}
	if len(raw) > tx.MaxTxBytes {
		return nil, errcode.New(errcode.TooLarge, "transaction is %d bytes; the limit is %d", len(raw), tx.MaxTxBytes)
	}
	if ethtx.Is(raw) {
		_, err = ethtx.Decode(raw)
	} else {
		_, err = tx.Decode(raw)
	}
	return raw, err
}

// mempoolRoom is how many transactions the mempool can take now; a
// number past any batch when the node does not say.
func (s *Server) mempoolRoom() int {
	if s.opts.MempoolRoom == nil {
		return MaxBatchTxs
	}
	return s.opts.MempoolRoom()
}

// roomWait bounds how long a batch waits, unread, for room in a full
// mempool, and roomPoll is how often it looks.
const (
	roomWait = 250 * time.Millisecond
	roomPoll = 5 * time.Millisecond
)

// roomSoon is the mempool's room, waiting up to roomWait for some while
// it has none. Submits waiting for a block are answered at its commit,
// a moment before CometBFT takes the block's transactions out of the
// mempool: a bulk submitter's next batch, sent at once, would otherwise
// find the mempool full and be told to come back in a second.
func (s *Server) roomSoon(ctx context.Context) int {
	room := s.mempoolRoom()
	if room > 0 {
		return room
	}
	deadline := time.NewTimer(roomWait)
	defer deadline.Stop()
	tick := time.NewTicker(roomPoll)
	defer tick.Stop()
	for {
		select {
		case <-deadline.C:
			return s.mempoolRoom()
		case <-ctx.Done():
			return room
		case <-tick.C:
			if room = s.mempoolRoom(); room > 0 {
				return room
			}
		}
	}
}

// preVerify verifies the signatures of the batch's first room decodable
// transactions on every core before the transactions go one by one
// through the mempool, whose checks then find them in the signature cache.
func (s *Server) preVerify(batch [][]byte, room int) {
	var raws [][]byte // the first room decodable transactions
	for _, raw := range batch {
		if len(raws) >= room {
			break
		}
		if raw != nil {
			raws = append(raws, raw)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(raws))
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= len(raws) {
					return
				}
				if raws[j] != nil {
					s.app.PreCheckTx(raws[j])
				}
			}
		})
	}
	wg.Wait()
}

// admit offers one transaction to the mempool, for POST /v1/txs and each
// transaction of a batch. It answers whether the mempool took it as new
// (CheckTx passed: its nonce is unused, so it was never committed with
// effect), and nil error when the mempool took it now or had seen it
// before.
func (s *Server) admit(ctx context.Context, raw []byte, hash [32]byte) (fresh bool, err error) {
	bctx, bstop := context.WithTimeout(ctx, s.opts.BroadcastTimeout)
	defer bstop()
	res, err := callChain(bctx, func() (*ctypes.ResultBroadcastTx, error) { return s.chain.BroadcastTxSync(bctx, raw) })
	switch {
	case err == nil && res.Code != 0:
		return false, &errcode.Error{Code: errcode.Code(res.Code), Msg: res.Log}
	case err == nil:
		return true, nil
	case errors.Is(err, mempool.ErrTxInCache), errors.Is(err, mempool.ErrTxInMempool):
		return false, nil
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return false, errcode.New(errcode.Timeout, "the node did not take or refuse transaction %X within %s; it may still be committed: look it up with GET /v1/txs/%X, or send the same bytes again, before signing anything new", hash, s.opts.BroadcastTimeout, hash)
	default:
		return false, broadcastError(err)
	}
}

// offer admits a transaction (admit) and, when the mempool looked at it
// and did not take it as new, looks for an earlier commit of it: its
// record, or nil and the admission's answer.
func (s *Server) offer(ctx context.Context, raw []byte, hash [32]byte) (*app.TxRecord, error) {
	fresh, err := s.admit(ctx, raw, hash)
	if !fresh && !overloaded(err) {
		if rec := s.committedBefore(hash); rec != nil {
			return rec, nil
		}
	}
	return nil, err
}

// overloaded reports whether an admission was refused without the
// mempool looking at the transaction: it is full, or the admission timed
// out. Such a refusal says nothing of an earlier commit, and looking one
// up for every transaction the node cannot take (a read that misses) would
// cost an overloaded node CPU its blocks need: the client sends the
// transaction again, and then gets the record if it was committed.
func overloaded(err error) bool {
	switch errcode.Of(err) {
	case errcode.MempoolFull, errcode.Timeout:
		return true
	}
	return false
}

// committedBefore is the record of an earlier commit of a transaction the
// mempool did not take as new, or nil. The submit endpoints answer with
// it whatever the mempool said: once the mempool's cache forgets a
// committed transaction (a restart, or eviction), CheckTx refuses it as a
// replayed nonce, so resubmitting the same signed bytes is always safe.
// A transaction the mempool takes as new is not looked up: its nonce is
// unused, so no commit of it had an effect (one refused in its block
// before its nonce was consumed, say for a nonce gap, runs again now that
// it passes).
func (s *Server) committedBefore(hash [32]byte) *app.TxRecord {
	rec, err := s.app.CommittedTx(hash)
	if err != nil {
		return nil // the admission's own answer stands
	}
	return rec
}

func refused(err error) BatchItem {
	code := errcode.Of(err)
	return BatchItem{Status: BatchRefused, Error: &ErrorBody{Code: uint32(code), Name: code.Name(), Message: errcode.Message(err)}}
}

func committedItem(rec *app.TxRecord) BatchItem {
	it := BatchItem{Hash: rec.Hash, Status: BatchCommitted, Record: rec}
	if code := errcode.Code(rec.Code); code != errcode.OK {
		it.Status = BatchFailed
		msg := rec.Log
		if msg == "" {
			msg = fmt.Sprintf("transaction %s was committed at height %d but failed", rec.Hash, rec.Height)
		}
		it.Error = &ErrorBody{Code: rec.Code, Name: code.Name(), Message: msg}
	}
	return it
}
