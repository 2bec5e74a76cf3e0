package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/tx"
)

// StatusResponse answers GET /v1/status.
type StatusResponse struct {
	ChainID        string    `json:"chain_id"`
	Org            string    `json:"org"`
	Moniker        string    `json:"moniker"`
	NodeID         string    `json:"node_id"`
	Height         int64     `json:"height"`
	BlockTime      time.Time `json:"block_time"`
	AppHash        string    `json:"app_hash"`
	StateVersion   int64     `json:"state_version"`
	StateRoot      string    `json:"state_root"`
	CatchingUp     bool      `json:"catching_up"`
	ValidatorAddr  string    `json:"validator_address"`
	ValidatorPower int64     `json:"validator_power"`
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) error {
	st, err := s.chain.Status(r.Context())
	if err != nil {
		return errcode.New(errcode.Unavailable, "consensus is not running: %v", err)
	}
	store := s.app.Store()
	writeJSON(w, http.StatusOK, StatusResponse{
		ChainID:        s.app.ChainID(),
		Org:            s.opts.Org,
		Moniker:        s.opts.Moniker,
		NodeID:         string(st.NodeInfo.ID()),
		Height:         st.SyncInfo.LatestBlockHeight,
		BlockTime:      st.SyncInfo.LatestBlockTime,
		AppHash:        st.SyncInfo.LatestAppHash.String(),
		StateVersion:   store.Version(),
		StateRoot:      store.Root().String(),
		CatchingUp:     st.SyncInfo.CatchingUp,
		ValidatorAddr:  st.ValidatorInfo.Address.String(),
		ValidatorPower: st.ValidatorInfo.VotingPower,
	})
	return nil
}

// BlockResponse answers GET /v1/blocks/{height}.
type BlockResponse struct {
	Height          int64     `json:"height"`
	Hash            string    `json:"hash"`
	Time            time.Time `json:"time"`
	Proposer        string    `json:"proposer"`
	AppHash         string    `json:"app_hash"`
	ValidatorsHash  string    `json:"validators_hash"`
	LastBlockHash   string    `json:"last_block_hash"`
	DataHash        string    `json:"data_hash"`
	TxHashes        []string  `json:"tx_hashes"`
	LastCommitSigns int       `json:"last_commit_signatures"`
}

func (s *Server) getBlock(w http.ResponseWriter, r *http.Request) error {
	var hp *int64
	if hs := r.PathValue("height"); hs != "latest" {
		h, err := strconv.ParseInt(hs, 10, 64)
		if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(hs, "-") {
			return errcode.New(errcode.NotFound, "no block at height %s: the chain is far below it (GET /v1/status gives its latest height)", clip(hs))
		}
		if err != nil || h <= 0 {
			return errcode.New(errcode.BadRequest, "block height must be a positive integer or \"latest\", got %q", clip(hs))
		}
		hp = &h
	}
	res, err := s.chain.Block(r.Context(), hp)
	if err != nil || res.Block == nil {
		return errcode.New(errcode.NotFound, "no block %s on this node", r.PathValue("height"))
	}
	b := res.Block
	out := BlockResponse{
		Height: b.Height, Hash: res.BlockID.Hash.String(), Time: b.Time,
		Proposer: b.ProposerAddress.String(), AppHash: b.AppHash.String(),
		ValidatorsHash: b.ValidatorsHash.String(), LastBlockHash: b.LastBlockID.Hash.String(),
		DataHash: b.DataHash.String(), TxHashes: make([]string, 0, len(b.Txs)),
	}
	for _, t := range b.Txs {
		out.TxHashes = append(out.TxHashes, fmt.Sprintf("%X", t.Hash()))
	}
	if b.LastCommit != nil {
		for _, sig := range b.LastCommit.Signatures {
			if sig.BlockIDFlag == types.BlockIDFlagCommit {
				out.LastCommitSigns++
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// view opens the state at the request's ?height= (latest when absent).
func (s *Server) view(r *http.Request) (*state.View, error) {
	var h int64
	if hs := r.URL.Query().Get("height"); hs != "" {
		var err error
		if h, err = strconv.ParseInt(hs, 10, 64); err != nil || h <= 0 {
			return nil, errcode.New(errcode.BadRequest, "height must be a positive integer, got %q", clip(hs))
		}
	}
	return s.View(h)
}

// StateResponse answers GET /v1/state.
type StateResponse struct {
	Height int64           `json:"height"`
	Key    string          `json:"key"`
	Exists bool            `json:"exists"`
	Value  []byte          `json:"value,omitempty"`
	Record json.RawMessage `json:"record,omitempty"`
}

func stateKey(r *http.Request) ([]byte, error) {
	k := r.URL.Query().Get("key")
	if k == "" || len(k) > state.MaxKeyLen {
		return nil, errcode.New(errcode.BadRequest, "give the state key as ?key=..., 1 to %d bytes", state.MaxKeyLen)
	}
	// Answers and proof bundles carry the key as JSON text, which holds
	// UTF-8 only. Keys with binary parts (the file-hash indexes of
	// evidence, ADR 0024) are read through their module's queries, and a
	// record's own key, which is text, proves it.
	if !utf8.ValidString(k) {
		return nil, errcode.New(errcode.BadRequest, "the state key is not text (UTF-8): keys with binary parts, such as evidence's file-hash indexes, are served through their module's queries; prove the record's own key instead")
	}
	return []byte(k), nil
}

func (s *Server) getState(w http.ResponseWriter, r *http.Request) error {
	key, err := stateKey(r)
	if err != nil {
		return err
	}
	if err := s.mayRead(r, key); err != nil {
		return err
	}
	v, err := s.view(r)
	if err != nil {
		return err
	}
	val, err := v.Get(key)
	if err != nil {
		return err
	}
	out := StateResponse{Height: v.Version(), Key: string(key), Exists: val != nil, Value: val}
	if json.Valid(val) {
		out.Record = val
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// getProof returns a proof bundle for ?key= at ?height= (default: the
// latest height whose next header is signed).
func (s *Server) getProof(w http.ResponseWriter, r *http.Request) error {
	key, err := stateKey(r)
	if err != nil {
		return err
	}
	if err := s.mayRead(r, key); err != nil {
		return err
	}
	var h int64
	if hs := r.URL.Query().Get("height"); hs != "" {
		if h, err = strconv.ParseInt(hs, 10, 64); err != nil || h <= 0 {
			return errcode.New(errcode.BadRequest, "height must be a positive integer, got %q", clip(hs))
		}
	}
	b, err := s.prover.Bundle(r.Context(), key, h)
	if err != nil {
		return err
	}
	raw, err := b.Marshal()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", fmt.Sprintf("dengta-proof-%d.json", b.Height)))
	}
	_, err = w.Write(raw)
	return err
}

// listLimit reads ?limit= (default 100, at most 1000) and ?after=.
func listLimit(r *http.Request) (int, string, error) {
	limit := 100
	if ls := r.URL.Query().Get("limit"); ls != "" {
		n, err := strconv.Atoi(ls)
		if err != nil || n < 1 || n > 1000 {
			return 0, "", errcode.New(errcode.BadRequest, "limit must be 1 to 1000, got %q", ls)
		}
		limit = n
	}
	return limit, r.URL.Query().Get("after"), nil
}

// list iterates JSON records under prefix, after the key suffix after, and
// returns at most limit of them with the cursor of the next page.
func list[T any](v *state.View, prefix []byte, after string, limit int) ([]T, string, error) {
	return page(v, prefix, after, limit, func(_, val []byte) (T, error) {
		var t T
		err := json.Unmarshal(val, &t)
		return t, err
	})
}

// page iterates keys under prefix after the cursor, turning each into an
// item with get. The cursor of the next page is the suffix of the last key
// returned, set only when more keys follow.
func page[T any](v *state.View, prefix []byte, after string, limit int, get func(k, val []byte) (T, error)) ([]T, string, error) {
	var start []byte
	if after != "" {
		start = append(append(append([]byte{}, prefix...), after...), 0)
	}
	out := []T{}
	var last []byte
	more := false
	var ierr error
	err := v.Iterate(prefix, start, func(k, val []byte) bool {
		if len(out) == limit {
			more = true
			return false
		}
		t, err := get(k, val)
		if err != nil {
			ierr = fmt.Errorf("decode %q: %w", k, err)
			return false
		}
		out = append(out, t)
		last = append(last[:0], k...)
		return true
	})
	if err == nil {
		err = ierr
	}
	next := ""
	if more {
		next = string(last[len(prefix):])
	}
	return out, next, err
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request) error {
	v, err := s.view(r)
	if err != nil {
		return err
	}
	limit, after, err := listLimit(r)
	if err != nil {
		return err
	}
	items, next, err := list[identity.Org](v, identity.OrgPrefix(), after, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Page[identity.Org]{Height: v.Version(), Items: items, Next: next})
	return nil
}

func (s *Server) getOrg(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(v *state.View) (any, error) { return identity.GetOrg(v, r.PathValue("id")) })
}

func (s *Server) listOrgKeys(w http.ResponseWriter, r *http.Request) error {
	v, err := s.view(r)
	if err != nil {
		return err
	}
	org := r.PathValue("id")
	if _, err := identity.GetOrg(v, org); err != nil {
		return err
	}
	limit, after, err := listLimit(r)
	if err != nil {
		return err
	}
	prefix := identity.OrgKeysPrefix(org)
	keys, next, err := page(v, prefix, after, limit, func(k, _ []byte) (identity.Key, error) {
		id, err := tx.ParseKeyID(string(k[len(prefix):]))
		if err != nil {
			return identity.Key{}, err
		}
		key, err := identity.GetKey(v, id)
		if err != nil {
			return identity.Key{}, err
		}
		return *key, nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Page[identity.Key]{Height: v.Version(), Items: keys, Next: next})
	return nil
}

func (s *Server) getKey(w http.ResponseWriter, r *http.Request) error {
	id, err := tx.ParseKeyID(r.PathValue("id"))
	if err != nil {
		return errcode.New(errcode.BadRequest, "%v", err)
	}
	return s.read(w, r, func(v *state.View) (any, error) { return identity.GetKey(v, id) })
}

// NonceResponse answers GET /v1/keys/{id}/nonce.
type NonceResponse struct {
	KeyID   string `json:"key_id"`
	ChainID string `json:"chain_id"`
	// Next is the nonce the key's next transaction must carry, counting
	// transactions waiting in this node's mempool.
	Next uint64 `json:"next"`
	// Committed is the last nonce the key used in a committed
	// transaction (0: none). A signed transaction at or below it that is
	// not committed never will be: a client may then sign anew.
	Committed uint64 `json:"committed"`
}

func (s *Server) getNonce(w http.ResponseWriter, r *http.Request) error {
	id, err := tx.ParseKeyID(r.PathValue("id"))
	if err != nil {
		return errcode.New(errcode.BadRequest, "%v", err)
	}
	n, err := s.app.NextNonce(id)
	if err != nil {
		return err
	}
	done, err := s.app.CommittedNonce(id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NonceResponse{KeyID: id.String(), ChainID: s.app.ChainID(), Next: n, Committed: done})
	return nil
}

// ValidatorInfo is one validator with the organisation that runs it.
type ValidatorInfo struct {
	Address string `json:"address"`
	PubKey  []byte `json:"pub_key"`
	Power   int64  `json:"power"`
	Org     string `json:"org,omitempty"`
}

// ValidatorsResponse answers GET /v1/validators.
type ValidatorsResponse struct {
	Height     int64           `json:"height"`
	SetHash    string          `json:"set_hash"`
	Validators []ValidatorInfo `json:"validators"`
}

func (s *Server) listValidators(w http.ResponseWriter, r *http.Request) error {
	st, err := s.chain.Status(r.Context())
	if err != nil {
		return errcode.New(errcode.Unavailable, "consensus is not running: %v", err)
	}
	h := st.SyncInfo.LatestBlockHeight
	vals, err := s.prover.ValidatorsAt(r.Context(), h)
	if err != nil {
		return err
	}
	v, err := s.app.Store().At(0)
	if err != nil {
		return err
	}
	owners := map[string]string{}
	if err := eachValidatorOrg(v, func(o *identity.Org) { owners[string(o.Validator.PubKey)] = o.ID }); err != nil {
		return err
	}
	out := ValidatorsResponse{Height: h, SetHash: fmt.Sprintf("%X", types.NewValidatorSet(vals).Hash())}
	for _, val := range vals {
		pk := val.PubKey.Bytes()
		out.Validators = append(out.Validators, ValidatorInfo{Address: val.Address.String(), PubKey: pk, Power: val.VotingPower, Org: owners[string(pk)]})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listProposals(w http.ResponseWriter, r *http.Request) error {
	v, err := s.view(r)
	if err != nil {
		return err
	}
	limit, after, err := listLimit(r)
	if err != nil {
		return err
	}
	items, next, err := list[identity.Proposal](v, identity.ProposalPrefix(), after, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Page[identity.Proposal]{Height: v.Version(), Items: items, Next: next})
	return nil
}

func (s *Server) getProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil || id == 0 {
		return errcode.New(errcode.BadRequest, "proposal id must be a positive integer, got %q", r.PathValue("id"))
	}
	return s.read(w, r, func(v *state.View) (any, error) { return identity.GetProposal(v, id) })
}

// ActionInfo is one action of GET /v1/actions: who may take it and the
// JSON schemas of its body and result.
type ActionInfo struct {
	app.ActionSpec
	BodySchema   map[string]any `json:"body_schema"`
	ResultSchema map[string]any `json:"result_schema"`
}

func (s *Server) listActions(w http.ResponseWriter, _ *http.Request) error {
	var out []ActionInfo
	for _, a := range s.app.Actions() {
		// An action open to every role has no roles: answer [], not null.
		if a.Roles == nil {
			a.Roles = []role.Role{}
		}
		info := ActionInfo{ActionSpec: a}
		var err error
		if info.BodySchema, err = api.Schema(a.Body); err != nil {
			return fmt.Errorf("action %s/%s: %w", a.Module, a.Action, err)
		}
		if info.ResultSchema, err = api.Schema(a.Result); err != nil {
			return fmt.Errorf("action %s/%s: %w", a.Module, a.Action, err)
		}
		out = append(out, info)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// BlockSummary is one block in a list of blocks.
type BlockSummary struct {
	Height   int64     `json:"height"`
	Hash     string    `json:"hash"`
	Time     time.Time `json:"time"`
	NumTxs   int       `json:"num_txs"`
	Size     int       `json:"size"`
	Proposer string    `json:"proposer"`
	AppHash  string    `json:"app_hash"`
}

// BlocksResponse answers GET /v1/blocks: blocks newest first.
type BlocksResponse struct {
	LastHeight int64          `json:"last_height"`
	Items      []BlockSummary `json:"items"`
	// Next is the ?before= value of the following page, 0 at the first block.
	Next int64 `json:"next,omitempty"`
}

// listBlocks lists block summaries newest first: ?before=H (exclusive,
// default after the latest) and ?limit=N (1..100, default 20).
func (s *Server) listBlocks(w http.ResponseWriter, r *http.Request) error {
	limit := 20
	if ls := r.URL.Query().Get("limit"); ls != "" {
		n, err := strconv.Atoi(ls)
		if err != nil || n < 1 || n > 100 {
			return errcode.New(errcode.BadRequest, "limit must be 1 to 100, got %q", ls)
		}
		limit = n
	}
	st, err := s.chain.Status(r.Context())
	if err != nil {
		return errcode.New(errcode.Unavailable, "consensus is not running: %v", err)
	}
	last := st.SyncInfo.LatestBlockHeight
	maxH := last
	if bs := r.URL.Query().Get("before"); bs != "" {
		b, err := strconv.ParseInt(bs, 10, 64)
		if err != nil || b < 1 {
			return errcode.New(errcode.BadRequest, "before must be a positive height, got %q", bs)
		}
		maxH = min(maxH, b-1)
	}
	resp := BlocksResponse{LastHeight: last, Items: []BlockSummary{}}
	earliest := st.SyncInfo.EarliestBlockHeight
	for maxH >= max(earliest, 1) && len(resp.Items) < limit {
		// CometBFT returns at most 20 block metas per call.
		minH := max(max(earliest, 1), maxH-int64(min(limit-len(resp.Items), 20))+1)
		info, err := s.chain.BlockchainInfo(r.Context(), minH, maxH)
		if err != nil {
			return fmt.Errorf("blockchain info %d-%d: %w", minH, maxH, err)
		}
		for _, m := range info.BlockMetas {
			resp.Items = append(resp.Items, BlockSummary{Height: m.Header.Height, Hash: m.BlockID.Hash.String(), Time: m.Header.Time,
				NumTxs: m.NumTxs, Size: m.BlockSize, Proposer: m.Header.ProposerAddress.String(), AppHash: m.Header.AppHash.String()})
		}
		maxH = minH - 1
		if len(info.BlockMetas) == 0 {
			break
		}
	}
	if n := len(resp.Items); n > 0 && resp.Items[n-1].Height > max(earliest, 1) {
		resp.Next = resp.Items[n-1].Height
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// read answers a query: f runs over the state at the request's ?height=
// (latest by default) and its result is written as JSON.
func (s *Server) read(w http.ResponseWriter, r *http.Request, f func(v *state.View) (any, error)) error {
	v, err := s.view(r)
	if err != nil {
		return err
	}
	out, err := f(v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// mayRead checks that the request's caller may read the state key, as
// the latest state decides (ADR 0007). It is checked before the value is
// read, so a refusal says nothing of whether the key holds anything.
func (s *Server) mayRead(r *http.Request, key []byte) error {
	v, err := s.app.Store().At(0)
	if err != nil {
		return err
	}
	c := access.From(r.Context())
	if s.app.CanRead(v, key, c) {
		return nil
	}
	if c.Public() {
		return errcode.New(errcode.Unauthenticated, "the value under %q is for member organisations: sign the request with a member key or send an API token", key)
	}
	return errcode.New(errcode.Unauthorized, "organisation %s may not read the value under %q: it is for the parties to that record, as its module names them, and regulators or auditors", c.Org, key)
}

// clip shortens what a refusal quotes back of the caller's input: enough
// to recognise it, not a copy of kilobytes.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
