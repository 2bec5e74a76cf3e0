package workload

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RPC is a minimal client of CometBFT's JSON-RPC over HTTP, the same on
// Dengta nodes and on the kvstore baseline. Requests are pre-encoded so the
// timed window spends as little harness CPU as possible.
type RPC struct {
	url  string // http://ip:port
	http *http.Client
}

// NewRPC returns a client of the node's RPC at url (http://ip:port),
// pooled for conns concurrent requests.
func NewRPC(url string, conns int) *RPC {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * conns,
		MaxIdleConnsPerHost: 2 * conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &RPC{url: url, http: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// RPCError is a JSON-RPC error answered by the node.
type RPCError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

func (e *RPCError) Error() string {
	if e.Data != "" {
		return e.Message + ": " + e.Data
	}
	return e.Message
}

// IsRPCError reports whether err is an answer of the node rather than a
// failure to reach it.
func IsRPCError(err error) bool {
	var e *RPCError
	return errors.As(err, &e)
}

// MempoolFull reports whether err is the mempool refusing a transaction
// for lack of room (a retryable condition, not a rejection).
func MempoolFull(err error) bool {
	var e *RPCError
	return errors.As(err, &e) && strings.Contains(e.Data, "mempool is full")
}

// BroadcastRequest encodes a JSON-RPC broadcast_tx_sync or
// broadcast_tx_async request for tx.
func BroadcastRequest(method string, tx []byte) []byte {
	b := make([]byte, 0, base64.StdEncoding.EncodedLen(len(tx))+80)
	b = append(b, `{"jsonrpc":"2.0","id":1,"method":"`...)
	b = append(b, method...)
	b = append(b, `","params":{"tx":"`...)
	b = base64.StdEncoding.AppendEncode(b, tx)
	return append(b, `"}}`...)
}

// MaxBatch is the most requests the harness puts in one JSON-RPC batch:
// CometBFT's default rpc.max_request_batch_size, which the benchmark
// leaves as it is.
const MaxBatch = 10

// requestPrefix is how BroadcastRequest starts; BatchRequest replaces the
// id after it.
const requestPrefix = `{"jsonrpc":"2.0","id":1,`

// BatchRequest joins requests made by BroadcastRequest into one JSON-RPC
// batch, numbering their ids 1, 2, ... CometBFT answers a batch's requests
// one after the other, in order.
func BatchRequest(reqs [][]byte) []byte {
	n := 2
	for _, r := range reqs {
		n += len(r) + 4
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for k, r := range reqs {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"jsonrpc":"2.0","id":`...)
		b = strconv.AppendInt(b, int64(k+1), 10)
		b = append(b, ',')
		b = append(b, r[len(requestPrefix):]...)
	}
	return append(b, ']')
}

// PostBatch sends a batch of n requests made by BatchRequest and returns
// each request's result or error, by id. (A batch of one gets a plain
// object back.)
func (c *RPC) PostBatch(ctx context.Context, body []byte, n int) ([]BroadcastResult, []error, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/", bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("read batch answer: %w", err)
	}
	var envs []struct {
		ID     int             `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *RPCError       `json:"error"`
	}
	// CometBFT writes a batch with one answer as a plain object.
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		data = append(append([]byte{'['}, trimmed...), ']')
	}
	if err := json.Unmarshal(data, &envs); err != nil {
		return nil, nil, fmt.Errorf("%s answered %s: %.200s", c.url, resp.Status, data)
	}
	results, errs := make([]BroadcastResult, n), make([]error, n)
	seen := make([]bool, n)
	for _, e := range envs {
		k := e.ID - 1
		if k < 0 || k >= n || seen[k] {
			return nil, nil, fmt.Errorf("%s answered a batch of %d with id %d", c.url, n, e.ID)
		}
		seen[k] = true
		if e.Error != nil {
			errs[k] = e.Error
		} else if err := json.Unmarshal(e.Result, &results[k]); err != nil {
			errs[k] = fmt.Errorf("decode batch answer %d: %w", e.ID, err)
		}
	}
	for k, ok := range seen {
		if !ok {
			return nil, nil, fmt.Errorf("%s left request %d of a batch of %d unanswered", c.url, k+1, n)
		}
	}
	return results, errs, nil
}

// BroadcastResult is CheckTx's answer (sync) or just the hash (async).
type BroadcastResult struct {
	Code uint32 `json:"code"`
	Log  string `json:"log"`
}

// Post sends a pre-encoded JSON-RPC request and decodes its result into
// out (unless nil).
func (c *RPC) Post(ctx context.Context, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return c.do(req, out)
}

// Get calls a URI endpoint, such as "/block?height=5", and decodes its
// result into out (unless nil).
func (c *RPC) Get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url+path, nil)
	if err != nil {
		return err
	}
	return c.do(req, out)
}

func (c *RPC) do(req *http.Request, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("read %s: %w", req.URL.Path, err)
	}
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  *RPCError       `json:"error"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return fmt.Errorf("%s answered %s: %.200s", c.url, resp.Status, data)
	}
	if env.Error != nil {
		return env.Error
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(env.Result, out)
}

// flexInt decodes CometBFT's int64s, which its JSON writes as strings.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := strconv.ParseInt(s, 10, 64)
	*n = flexInt(v)
	return err
}

// Status is what a node's /status says of it.
type Status struct {
	ChainID string // node_info.network
	// Height is the latest block the node has committed.
	Height int64
	// CatchingUp is set while the node is in block sync.
	CatchingUp bool
}

// Status asks the node for its status.
func (c *RPC) Status(ctx context.Context) (*Status, error) {
	var s struct {
		NodeInfo struct {
			Network string `json:"network"`
		} `json:"node_info"`
		SyncInfo struct {
			LatestBlockHeight flexInt `json:"latest_block_height"`
			CatchingUp        bool    `json:"catching_up"`
		} `json:"sync_info"`
	}
	if err := c.Get(ctx, "/status", &s); err != nil {
		return nil, err
	}
	return &Status{ChainID: s.NodeInfo.Network, Height: int64(s.SyncInfo.LatestBlockHeight), CatchingUp: s.SyncInfo.CatchingUp}, nil
}

// Block is a committed block as the poller sees it: its transactions and
// their results.
type Block struct {
	Height  int64
	Time    time.Time
	Seen    time.Time // when the poller learnt of it
	Txs     [][]byte
	Results []TxResult
	// LastCommitRound is the consensus round in which the previous block
	// was committed: above 0 when a round timed out.
	LastCommitRound int32
}

// TxResult is a transaction's result in a block.
type TxResult struct {
	Code   uint32  `json:"code"`
	Log    string  `json:"log"`
	Events []Event `json:"events"`
}

// Event is an ABCI event of a transaction.
type Event struct {
	Type       string `json:"type"`
	Attributes []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"attributes"`
}

// Attr returns the value of the event's attribute key, or "".
func (e Event) Attr(key string) string {
	for _, a := range e.Attributes {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// AppHeight returns the last height the node's application has
// committed (/abci_info): the results of every block up to it can be read.
// It costs the same few bytes whatever the application.
func (c *RPC) AppHeight(ctx context.Context) (int64, error) {
	var r struct {
		Response struct {
			LastBlockHeight flexInt `json:"last_block_height"`
		} `json:"response"`
	}
	if err := c.Get(ctx, "/abci_info", &r); err != nil {
		return 0, err
	}
	return int64(r.Response.LastBlockHeight), nil
}

// Block fetches a block and its results; events are decoded only when
// withEvents is set (they are most of the results' bytes).
func (c *RPC) Block(ctx context.Context, height int64, withEvents bool) (*Block, error) {
	out, err := c.BlockTxs(ctx, height)
	if err != nil || len(out.Txs) == 0 {
		return out, err
	}
	if out.Results, err = c.Results(ctx, height, withEvents); err != nil {
		return nil, err
	}
	if len(out.Results) != len(out.Txs) {
		return nil, fmt.Errorf("block %d: %d transactions but %d results", height, len(out.Txs), len(out.Results))
	}
	return out, nil
}

// BlockTxs fetches a block's header and transactions, without results
// (/block only).
func (c *RPC) BlockTxs(ctx context.Context, height int64) (*Block, error) {
	var b struct {
		Block struct {
			Header struct {
				Height flexInt   `json:"height"`
				Time   time.Time `json:"time"`
			} `json:"header"`
			Data struct {
				Txs [][]byte `json:"txs"`
			} `json:"data"`
			LastCommit struct {
				Round int32 `json:"round"`
			} `json:"last_commit"`
		} `json:"block"`
	}
	if err := c.Get(ctx, "/block?height="+strconv.FormatInt(height, 10), &b); err != nil {
		return nil, fmt.Errorf("block %d: %w", height, err)
	}
	return &Block{Height: int64(b.Block.Header.Height), Time: b.Block.Header.Time, Txs: b.Block.Data.Txs, LastCommitRound: b.Block.LastCommit.Round}, nil
}

// Results fetches the results of a block's transactions
// (/block_results); events are decoded only when withEvents is set.
func (c *RPC) Results(ctx context.Context, height int64, withEvents bool) ([]TxResult, error) {
	path := "/block_results?height=" + strconv.FormatInt(height, 10)
	if withEvents {
		var r struct {
			TxResults []TxResult `json:"txs_results"`
		}
		if err := c.Get(ctx, path, &r); err != nil {
			return nil, fmt.Errorf("block results %d: %w", height, err)
		}
		return r.TxResults, nil
	}
	var r struct {
		TxResults []struct {
			Code uint32 `json:"code"`
			Log  string `json:"log"`
		} `json:"txs_results"`
	}
	if err := c.Get(ctx, path, &r); err != nil {
		return nil, fmt.Errorf("block results %d: %w", height, err)
	}
	out := make([]TxResult, len(r.TxResults))
	for i, t := range r.TxResults {
		out[i] = TxResult{Code: t.Code, Log: t.Log}
	}
	return out, nil
}

// ABCIQuery reads a key of the kvstore application (no proof).
func (c *RPC) ABCIQuery(ctx context.Context, key []byte) error {
	var r struct {
		Response struct {
			Code uint32 `json:"code"`
			Log  string `json:"log"`
		} `json:"response"`
	}
	if err := c.Get(ctx, "/abci_query?data=0x"+hex.EncodeToString(key), &r); err != nil {
		return err
	}
	if r.Response.Code != 0 {
		return fmt.Errorf("abci_query: code %d: %s", r.Response.Code, r.Response.Log)
	}
	return nil
}

// ConsensusStep returns the node's "height/round/step" (from
// /consensus_state), or "?".
func (c *RPC) ConsensusStep(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var r struct {
		RoundState struct {
			HRS string `json:"height/round/step"`
		} `json:"round_state"`
	}
	if err := c.Get(ctx, "/consensus_state", &r); err != nil || r.RoundState.HRS == "" {
		return "?"
	}
	return r.RoundState.HRS
}

// MempoolSize returns the number of transactions in the node's mempool.
func (c *RPC) MempoolSize(ctx context.Context) (int64, error) {
	var r struct {
		N flexInt `json:"n_txs"`
	}
	if err := c.Get(ctx, "/num_unconfirmed_txs?limit=1", &r); err != nil {
		return 0, err
	}
	return int64(r.N), nil
}
