package notary

import (
	"fmt"
	"strconv"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
)

// Name is the module name used in transactions.
const Name = notaryapi.Name

// Module is the evidence preservation and copyright registration module.
type Module struct{}

var _ module.Module = Module{}

// Name implements module.Module.
func (Module) Name() string { return Name }

var (
	depositRoles = []role.Role{notaryapi.Depositor, notaryapi.Notary, notaryapi.Court}
	workRoles    = []role.Role{notaryapi.Depositor, notaryapi.Notary}
	courtRoles   = []role.Role{notaryapi.Court}
)

// Actions implements module.Module.
func (m Module) Actions() []module.Action {
	return []module.Action{
		// A deposit is refused by state only when it supplements a record
		// that does not exist; the mempool checks its body alone.
		module.Stateless(module.Handle(notaryapi.Deposit, m.deposit).For(depositRoles...), admitDeposit),
		module.Handle(notaryapi.BatchDeposit, m.batchDeposit).For(depositRoles...),
		module.Handle(notaryapi.RegisterWork, m.registerWork).For(workRoles...),
		module.Handle(notaryapi.TransferWork, m.transferWork).For(workRoles...),
		module.Handle(notaryapi.LicenseWork, m.licenseWork).For(workRoles...),
		module.Handle(notaryapi.ResolveDispute, m.resolveDispute).For(courtRoles...),
		module.Handle(notaryapi.ProposeSettlement, m.proposeSettlement).For(workRoles...),
		module.Handle(notaryapi.AcceptSettlement, m.acceptSettlement).For(workRoles...),
	}
}

func txHash(ctx *module.Context) string { return fmt.Sprintf("%X", ctx.TxHash) }

// getRaw reads a raw string value ("" when absent).
func getRaw(kv Getter, key []byte) (string, error) {
	b, err := kv.Get(key)
	return string(b), err
}

// absent refuses with conflict when key already holds a value, so that no
// record is ever overwritten.
func absent(kv Getter, key []byte, what string) error {
	b, err := kv.Get(key)
	if err != nil {
		return err
	}
	if b != nil {
		return errcode.New(errcode.Conflict, "%s already exists with different content; records are never overwritten", what)
	}
	return nil
}

func (Module) deposit(ctx *module.Context, b *depositBody) error {
	if err := validateDeposit(b); err != nil {
		return err
	}
	org := ctx.Signer.Org
	if b.Supplements != "" {
		if _, err := GetEvidence(ctx.Store, b.Supplements); err != nil {
			return err
		}
	}
	// The same file by the same organisation: answer the existing record.
	layout, err := layoutOf(ctx.Store)
	if err != nil {
		return err
	}
	id := EvidenceID(ctx.Time, org, b.SHA256, b.SM3)
	files, err := fileKeys(layout, org, b.SHA256, b.SM3, id)
	if err != nil {
		return err
	}
	existing, err := getRaw(ctx.Store, files[0][0])
	if err != nil {
		return err
	}
	if existing != "" {
		return ctx.SetResult(depositResult{EvidenceID: existing, Existing: true})
	}
	if err := absent(ctx.Store, evKey(id), "evidence "+id); err != nil {
		return err
	}
	ev := &Evidence{
		ID: id, SHA256: b.SHA256, SM3: b.SM3, FileName: b.FileName, Size: *b.Size,
		MediaType: b.MediaType, EvidenceType: b.EvidenceType, Supplements: b.Supplements,
		Description: b.Description, Depositor: ctx.Party(), Height: ctx.Height,
		Time: field.BlockTime(ctx.Time), TxHash: txHash(ctx),
	}
	if c := b.Capture; c != nil {
		ev.Capture = &Capture{SourceURL: c.SourceURL, Tool: c.Tool, CapturedAt: c.CapturedAt}
	}
	if err := module.PutJSON(ctx.Store, evKey(id), ev); err != nil {
		return err
	}
	byOrg := [2][]byte{orgEvKey(org, ctx.Height, id), present}
	var writes [][2][]byte
	if layout == layout3 {
		// Only the organisation's one record of the file is state; the
		// index by SM3 and the organisation's list are the node's.
		writes = files[:1:1]
		ctx.Index(files[1][0], files[1][1])
		ctx.Index(byOrg[0], byOrg[1])
	} else {
		writes = append(files, byOrg)
	}
	if b.Supplements != "" {
		writes = append(writes, [2][]byte{suppKey(b.Supplements, id), present})
	}
	if err := setAll(ctx.Store, writes); err != nil {
		return err
	}
	ctx.Emit("notary.evidence_deposited", "evidence_id", id, "org", org, "sha256", b.SHA256, "sm3", b.SM3)
	return ctx.SetResult(depositResult{EvidenceID: id})
}

func setAll(kv module.KV, writes [][2][]byte) error {
	for _, w := range writes {
		if err := kv.Set(w[0], w[1]); err != nil {
			return err
		}
	}
	return nil
}

func (Module) batchDeposit(ctx *module.Context, b *batchBody) error {
	if err := validateBatch(b); err != nil {
		return err
	}
	org := ctx.Signer.Org
	existing, err := getRaw(ctx.Store, batchDepKey(org, b.MerkleRoot))
	if err != nil {
		return err
	}
	if existing != "" {
		prev, err := GetBatch(ctx.Store, existing)
		if err != nil {
			return err
		}
		// An RFC 6962 root fixes the tree's size: the same root with another
		// size is a mistake the submitter must hear about.
		if prev.Size != b.Size {
			return errcode.New(errcode.Conflict, "batch %s already records root %s with %d items, not %d", existing, b.MerkleRoot, prev.Size, b.Size)
		}
		return ctx.SetResult(batchResult{BatchID: existing, Existing: true})
	}
	id := BatchID(ctx.Time, org, b.MerkleRoot)
	if err := absent(ctx.Store, batchKey(id), "batch "+id); err != nil {
		return err
	}
	ba := &Batch{
		ID: id, MerkleRoot: b.MerkleRoot, Size: b.Size, Label: b.Label, ItemFormat: b.ItemFormat,
		Depositor: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), TxHash: txHash(ctx),
	}
	if err := module.PutJSON(ctx.Store, batchKey(id), ba); err != nil {
		return err
	}
	if err := ctx.Store.Set(batchDepKey(org, b.MerkleRoot), []byte(id)); err != nil {
		return err
	}
	ctx.Emit("notary.batch_deposited", "batch_id", id, "org", org, "merkle_root", b.MerkleRoot, "size", strconv.FormatInt(b.Size, 10))
	return ctx.SetResult(batchResult{BatchID: id})
}

func (Module) registerWork(ctx *module.Context, b *registerBody) error {
	if err := validateRegister(b); err != nil {
		return err
	}
	if today := field.BlockDate(ctx.Time); b.CreatedOn > today {
		return errcode.New(errcode.RuleViolation, "created_on %s is after the block date %s (China Standard Time)", b.CreatedOn, today)
	}
	if b.EvidenceID != "" {
		if _, err := GetEvidence(ctx.Store, b.EvidenceID); err != nil {
			return err
		}
	}
	owner := ctx.Signer.Org
	if prev, err := getRaw(ctx.Store, workRegKey(owner, b.SHA256)); err != nil {
		return err
	} else if prev != "" {
		return errcode.New(errcode.Conflict, "%s already registered this file as work %s", owner, prev)
	}
	first, err := getRaw(ctx.Store, workHashKey(b.SHA256))
	if err != nil {
		return err
	}
	var fw *Work
	if first != "" {
		if fw, err = GetWork(ctx.Store, first); err != nil {
			return err
		}
		if fw.Owner == owner {
			return errcode.New(errcode.Conflict, "%s already owns work %s, the first registration of this file", owner, first)
		}
	}
	id := WorkID(ctx.Time, owner, b.SHA256)
	if err := absent(ctx.Store, workKey(id), "work "+id); err != nil {
		return err
	}
	w := &Work{
		ID: id, Title: b.Title, Authors: b.Authors, CreatedOn: b.CreatedOn, License: b.License,
		WorkType: b.WorkType, SHA256: b.SHA256, SM3: b.SM3, EvidenceID: b.EvidenceID,
		Status: StatusRegistered, Owner: owner, Registrant: ctx.Party(),
		Height: ctx.Height, Time: field.BlockTime(ctx.Time), TxHash: txHash(ctx),
	}
	if first != "" {
		// The registration opens a dispute with the first: neither is
		// transferred or licensed exclusively until it is resolved.
		w.Status, w.ConflictsWith, w.OpenDisputes = StatusDisputed, first, 1
		fw.OpenDisputes++
		if err := module.PutJSON(ctx.Store, workKey(fw.ID), fw); err != nil {
			return err
		}
		d := &Dispute{WorkID: id, FirstWork: first, SHA256: b.SHA256, Status: DisputeOpen,
			Height: ctx.Height, Time: field.BlockTime(ctx.Time), TxHash: txHash(ctx)}
		if err := module.PutJSON(ctx.Store, disputeKey(id), d); err != nil {
			return err
		}
	}
	if err := module.PutJSON(ctx.Store, workKey(id), w); err != nil {
		return err
	}
	if err := ctx.Store.Set(workRegKey(owner, b.SHA256), []byte(id)); err != nil {
		return err
	}
	if first == "" {
		if err := ctx.Store.Set(workHashKey(b.SHA256), []byte(id)); err != nil {
			return err
		}
		ctx.Emit("notary.work_registered", "work_id", id, "owner", owner, "sha256", b.SHA256)
	} else {
		if err := ctx.Store.Set(conflictKey(first, id), present); err != nil {
			return err
		}
		ctx.Emit("notary.work_conflict", "work_id", id, "owner", owner, "sha256", b.SHA256, "conflicts_with", first)
	}
	return ctx.SetResult(registerResult{WorkID: id, Status: w.Status, ConflictsWith: w.ConflictsWith})
}

// ownedWork loads a work the signer's organisation owns.
func ownedWork(ctx *module.Context, id, verb string) (*Work, error) {
	w, err := GetWork(ctx.Store, id)
	if err != nil {
		return nil, err
	}
	if w.Owner != ctx.Signer.Org {
		return nil, errcode.New(errcode.Unauthorized, "work %s belongs to %s; only its owner may %s it", id, w.Owner, verb)
	}
	return w, nil
}

func logLen(kv Getter, id string) (uint64, error) {
	s, err := getRaw(kv, workLenKey(id))
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("log length of %s: %w", id, err)
	}
	return n, nil
}

// appendLog writes the next entry of a work's log and returns its number.
func appendLog(ctx *module.Context, e *LogEntry) error {
	n, err := logLen(ctx.Store, e.WorkID)
	if err != nil {
		return err
	}
	e.Seq = n + 1
	e.By, e.Height, e.Time, e.TxHash = ctx.Party(), ctx.Height, field.BlockTime(ctx.Time), txHash(ctx)
	if err := absent(ctx.Store, workLogKey(e.WorkID, e.Seq), fmt.Sprintf("log entry %d of work %s", e.Seq, e.WorkID)); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, workLogKey(e.WorkID, e.Seq), e); err != nil {
		return err
	}
	return ctx.Store.Set(workLenKey(e.WorkID), []byte(strconv.FormatUint(e.Seq, 10)))
}

func (Module) transferWork(ctx *module.Context, b *transferBody) error {
	if err := validateTransfer(b); err != nil {
		return err
	}
	w, err := ownedWork(ctx, b.WorkID, "transfer")
	if err != nil {
		return err
	}
	if err := undisputed(w, "transferred"); err != nil {
		return err
	}
	if b.To == w.Owner {
		return errcode.New(errcode.RuleViolation, "%s already owns work %s; a transfer needs another organisation", b.To, w.ID)
	}
	if _, err := module.ActiveOrg(ctx.Store, "to", b.To); err != nil {
		return err
	}
	e := &LogEntry{WorkID: w.ID, Kind: KindTransfer, Transfer: &Transfer{From: w.Owner, To: b.To, Note: b.Note}}
	if err := appendLog(ctx, e); err != nil {
		return err
	}
	w.Owner = b.To
	if err := module.PutJSON(ctx.Store, workKey(w.ID), w); err != nil {
		return err
	}
	ctx.Emit("notary.work_transferred", "work_id", w.ID, "from", e.Transfer.From, "to", b.To, "seq", strconv.FormatUint(e.Seq, 10))
	return ctx.SetResult(logResult{WorkID: w.ID, Seq: e.Seq})
}

func (Module) licenseWork(ctx *module.Context, b *licenseBody) error {
	if err := validateLicense(b); err != nil {
		return err
	}
	w, err := ownedWork(ctx, b.WorkID, "license")
	if err != nil {
		return err
	}
	if err := notLost(w, "licensed"); err != nil {
		return err
	}
	if b.Exclusive {
		if err := undisputed(w, "licensed exclusively"); err != nil {
			return err
		}
	}
	if b.Licensee == w.Owner {
		return errcode.New(errcode.RuleViolation, "%s owns work %s and cannot license it to itself", b.Licensee, w.ID)
	}
	if _, err := module.ActiveOrg(ctx.Store, "licensee", b.Licensee); err != nil {
		return err
	}
	if b.Exclusive {
		if err := checkExclusive(ctx.Store, w.ID, b.From, b.Until); err != nil {
			return err
		}
	}
	e := &LogEntry{WorkID: w.ID, Kind: KindLicense, License: &License{
		Licensor: w.Owner, Licensee: b.Licensee, Terms: b.Terms, From: b.From, Until: b.Until, Exclusive: b.Exclusive,
	}}
	if err := appendLog(ctx, e); err != nil {
		return err
	}
	ctx.Emit("notary.work_licensed", "work_id", w.ID, "licensee", b.Licensee, "exclusive", strconv.FormatBool(b.Exclusive), "seq", strconv.FormatUint(e.Seq, 10))
	return ctx.SetResult(logResult{WorkID: w.ID, Seq: e.Seq})
}

// checkExclusive refuses an exclusive licence whose dates overlap an
// exclusive licence already in the work's log, whoever granted it: a
// licence survives a transfer of the work. The handler's store cannot
// iterate, so the log is read entry by entry (its length is on record).
func checkExclusive(kv Getter, id, from, until string) error {
	n, err := logLen(kv, id)
	if err != nil {
		return err
	}
	for seq := uint64(1); seq <= n; seq++ {
		var e LogEntry
		ok, err := module.GetJSON(kv, workLogKey(id, seq), &e)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("work %s: log entry %d of %d is missing", id, seq, n)
		}
		if l := e.License; l != nil && l.Exclusive && overlaps(from, until, l.From, l.Until) {
			return errcode.New(errcode.RuleViolation, "work %s already has an exclusive licence to %s from %s until %s (log entry %d); exclusive licences may not overlap",
				id, l.Licensee, l.From, orOpen(l.Until), seq)
		}
	}
	return nil
}

func orOpen(until string) string {
	if until == "" {
		return "further notice"
	}
	return until
}
