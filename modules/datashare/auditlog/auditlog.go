// Package auditlog is the owner node's journal of accesses to shared
// records: every fetch it serves or refuses is written here, whole, and
// synced to disk before the answer leaves the node, so that no access
// goes unrecorded even if the node stops at once. A Batcher then records
// the journal on chain in batches (datashare/audit, signed with a key of
// the records' owner), each event as its digest and the fields the
// parties and the patient read; the journal keeps the full records
// (the signed request's headers, the client's address), which anyone can
// check against the digest on chain.
//
// On disk, under the journal's directory:
//
//	audit-<segment, 6 digits>.jsonl   one Line per line, appended, synced
//	cursor                            {"segment":n,"offset":b}: what is on chain, written atomically
//	rejected.jsonl                    lines the chain refused one by one (logged; never expected)
//
// A segment is closed once it is larger than SegmentSize and wholly on
// chain; closed segments stay, as the owner's full access records.
package auditlog

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/emmansun/gmsm/sm3"

	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

// Format names the full record's form.
const Format = "dengta-datashare-audit/1"

// SegmentSize is the size past which a wholly recorded segment is closed.
const SegmentSize = 16 << 20

// MaxLine bounds a journal line.
const MaxLine = 16 << 10

// Request is what the owner's node saw of a request.
type Request struct {
	Method     string `json:"method"`
	Path       string `json:"path"`
	RemoteAddr string `json:"remote_addr,omitempty"`
	// The signed request's headers (ADR 0007): the key, the time, the
	// content hash and the signature, which prove that the requester's
	// key asked.
	Key       string `json:"key,omitempty"`
	Time      string `json:"time,omitempty"`
	Content   string `json:"content_sha256,omitempty"`
	Signature string `json:"signature,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
}

// Full is an access's full record, as the journal keeps it.
type Full struct {
	Format string `json:"format"`
	// Node is the organisation whose node answered; Owner the records'.
	Node       string   `json:"node"`
	Owner      string   `json:"owner"`
	Time       string   `json:"time"`
	Event      string   `json:"event"`
	Outcome    string   `json:"outcome"`
	Reason     string   `json:"reason,omitempty"`
	Record     string   `json:"record"`
	Grant      string   `json:"grant,omitempty"`
	BreakGlass string   `json:"break_glass,omitempty"`
	Org        string   `json:"org"`
	Key        tx.KeyID `json:"key"`
	Purpose    string   `json:"purpose,omitempty"`
	// Blob and Bytes say what was served.
	Blob    string  `json:"blob,omitempty"`
	Bytes   int64   `json:"bytes,omitempty"`
	Request Request `json:"request"`
	// Nonce makes two identical requests in the same second two events.
	Nonce string `json:"nonce"`
}

// Digest is the SM3 of the full record's JSON, as written.
func (f *Full) Digest() (string, []byte, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return "", nil, err
	}
	d := sm3.Sum(b)
	return hex.EncodeToString(d[:]), b, nil
}

// OnChain is the on-chain form of a full record whose digest is digest.
func (f *Full) OnChain(digest string) datashareapi.AuditEvent {
	return datashareapi.AuditEvent{ID: digest[:32], Digest: digest, Time: f.Time, Event: f.Event, Outcome: f.Outcome, Reason: f.Reason,
		Record: f.Record, Grant: f.Grant, BreakGlass: f.BreakGlass, Org: f.Org, Key: f.Key, Purpose: f.Purpose}
}

// Line is one journal line: the full record as it was hashed.
type Line struct {
	Owner  string          `json:"owner"`
	Digest string          `json:"digest"`
	Full   json.RawMessage `json:"full"`
}

// ParseLine decodes and checks one journal line: strict JSON, a full
// record that decodes strictly, and a digest that is its SM3.
func ParseLine(b []byte) (*Line, *Full, error) {
	if len(b) > MaxLine || !utf8.Valid(b) {
		return nil, nil, errors.New("journal line: too long or not UTF-8")
	}
	var l Line
	if err := strictJSON(b, &l); err != nil {
		return nil, nil, fmt.Errorf("journal line: %w", err)
	}
	var f Full
	if err := strictJSON(l.Full, &f); err != nil {
		return nil, nil, fmt.Errorf("journal line's record: %w", err)
	}
	d := sm3.Sum(l.Full)
	if hex.EncodeToString(d[:]) != l.Digest {
		return nil, nil, errors.New("journal line: the digest is not the record's")
	}
	if f.Format != Format || f.Owner != l.Owner || len(l.Digest) != 64 {
		return nil, nil, errors.New("journal line: wrong format, or the owner differs")
	}
	return &l, &f, nil
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// Journal is the append-only journal of one node.
type Journal struct {
	dir     string
	now     func() time.Time
	segSize int64

	mu      sync.Mutex
	seg     int
	f       *os.File
	size    int64
	cursor  Cursor
	waiting chan struct{} // signalled on every append
}

// Cursor is where the chain has caught up with the journal.
type Cursor struct {
	Segment int   `json:"segment"`
	Offset  int64 `json:"offset"`
}

// Open opens (creating if needed) the journal in dir.
func Open(dir string, now func() time.Time) (*Journal, error) {
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open audit journal: %w", err)
	}
	j := &Journal{dir: dir, now: now, segSize: SegmentSize, waiting: make(chan struct{}, 1)}
	segs, err := j.segments()
	if err != nil {
		return nil, err
	}
	j.seg = 1
	if len(segs) > 0 {
		j.seg = segs[len(segs)-1]
	}
	if b, err := os.ReadFile(filepath.Join(dir, "cursor")); err == nil {
		if err := strictJSON(b, &j.cursor); err != nil {
			return nil, fmt.Errorf("audit journal cursor: %w", err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("audit journal cursor: %w", err)
	}
	if j.cursor.Segment == 0 {
		j.cursor.Segment = 1
	}
	if j.f, err = os.OpenFile(j.segPath(j.seg), os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600); err != nil {
		return nil, fmt.Errorf("open audit journal: %w", err)
	}
	st, err := j.f.Stat()
	if err != nil {
		j.f.Close()
		return nil, err
	}
	j.size = st.Size()
	if err := j.repairTail(); err != nil {
		j.f.Close()
		return nil, err
	}
	return j, nil
}

// repairTail cuts a last line the node did not finish writing (it was
// never synced, so no answer depended on it).
func (j *Journal) repairTail() error {
	if j.size == 0 {
		return nil
	}
	buf := make([]byte, 1)
	if _, err := j.f.ReadAt(buf, j.size-1); err != nil {
		return err
	}
	if buf[0] == '\n' {
		return nil
	}
	data, err := os.ReadFile(j.segPath(j.seg))
	if err != nil {
		return err
	}
	cut := int64(bytes.LastIndexByte(data, '\n') + 1)
	if err := j.f.Truncate(cut); err != nil {
		return err
	}
	j.size = cut
	return j.f.Sync()
}

func (j *Journal) segPath(n int) string {
	return filepath.Join(j.dir, fmt.Sprintf("audit-%06d.jsonl", n))
}

func (j *Journal) segments() ([]int, error) {
	names, err := filepath.Glob(filepath.Join(j.dir, "audit-*.jsonl"))
	if err != nil {
		return nil, err
	}
	var out []int
	for _, n := range names {
		var k int
		if _, err := fmt.Sscanf(filepath.Base(n), "audit-%06d.jsonl", &k); err == nil && k > 0 {
			out = append(out, k)
		}
	}
	sort.Ints(out)
	return out, nil
}

// Close closes the journal.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}

// Append completes f (format, nonce), writes it to the journal and syncs
// the file; only then may the node answer the request. It returns the
// event as the chain will record it.
func (j *Journal) Append(f Full) (datashareapi.AuditEvent, error) {
	f.Format = Format
	nonce := make([]byte, 8)
	if _, err := rand.Read(nonce); err != nil {
		return datashareapi.AuditEvent{}, err
	}
	f.Nonce = hex.EncodeToString(nonce)
	if f.Time == "" {
		f.Time = j.now().Format(time.RFC3339)
	}
	digest, raw, err := f.Digest()
	if err != nil {
		return datashareapi.AuditEvent{}, err
	}
	line, err := json.Marshal(Line{Owner: f.Owner, Digest: digest, Full: raw})
	if err != nil {
		return datashareapi.AuditEvent{}, err
	}
	if len(line) >= MaxLine {
		return datashareapi.AuditEvent{}, fmt.Errorf("audit record of %d bytes is over %d", len(line), MaxLine)
	}
	line = append(line, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	n, err := j.f.Write(line)
	j.size += int64(n)
	if err == nil {
		err = j.f.Sync()
	}
	if err != nil {
		return datashareapi.AuditEvent{}, fmt.Errorf("write audit journal: %w", err)
	}
	select {
	case j.waiting <- struct{}{}:
	default:
	}
	return f.OnChain(digest), nil
}

// Entry is a line of the journal not yet on chain, with the cursor after
// it.
type Entry struct {
	Line
	Full  *Full
	After Cursor
}

// Pending reads up to max lines not yet on chain, from the cursor. With
// no line to read, next is where the cursor may move (past a closed
// segment) or the cursor itself.
func (j *Journal) Pending(max int) (out []Entry, next Cursor, err error) {
	j.mu.Lock()
	cur := j.cursor
	seg, size := j.seg, j.size
	j.mu.Unlock()
	if cur.Segment < seg {
		// The older segment is closed; finish it first.
		st, err := os.Stat(j.segPath(cur.Segment))
		if err != nil {
			return nil, cur, err
		}
		size = st.Size()
		if cur.Offset >= size {
			return nil, Cursor{Segment: cur.Segment + 1}, nil
		}
	}
	if cur.Offset >= size {
		return nil, cur, nil
	}
	if max <= 0 {
		max = 1
	}
	f, err := os.Open(j.segPath(cur.Segment))
	if err != nil {
		return nil, cur, err
	}
	defer f.Close()
	if _, err := f.Seek(cur.Offset, io.SeekStart); err != nil {
		return nil, cur, err
	}
	rd := bufio.NewReaderSize(io.LimitReader(f, size-cur.Offset), 64<<10)
	next = cur
	for len(out) < max {
		b, err := rd.ReadBytes('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, cur, err
		}
		l, full, perr := ParseLine(bytes.TrimSuffix(b, []byte("\n")))
		if perr != nil {
			return nil, cur, fmt.Errorf("audit journal %s at %d: %w", j.segPath(cur.Segment), next.Offset, perr)
		}
		next.Offset += int64(len(b))
		out = append(out, Entry{Line: *l, Full: full, After: next})
	}
	return out, next, nil
}

// Advance records that everything before c is on chain, and closes the
// current segment when it is wholly recorded and large.
func (j *Journal) Advance(c Cursor) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if c.Segment == j.seg && c.Offset == j.size && j.size > j.segSize {
		f, err := os.OpenFile(j.segPath(j.seg+1), os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		j.f.Close()
		j.f, j.seg, j.size = f, j.seg+1, 0
		c = Cursor{Segment: j.seg}
	}
	b, _ := json.Marshal(c)
	if err := writeAtomic(filepath.Join(j.dir, "cursor"), b); err != nil {
		return err
	}
	j.cursor = c
	return nil
}

// Reject keeps a line the chain refused by itself, apart.
func (j *Journal) Reject(l Line, why string) error {
	f, err := os.OpenFile(filepath.Join(j.dir, "rejected.jsonl"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	b, _ := json.Marshal(map[string]any{"line": l, "why": why, "at": j.now().Format(time.RFC3339)})
	if _, err := f.Write(append(b, '\n')); err != nil {
		return err
	}
	return f.Sync()
}

// Appended is signalled after appends, for a batcher that waits.
func (j *Journal) Appended() <-chan struct{} { return j.waiting }

// Find returns the full record of an event by its id, searching the
// journal's segments from the newest; nil when the journal has none.
func (j *Journal) Find(id string) (*Full, error) {
	segs, err := j.segments()
	if err != nil {
		return nil, err
	}
	for i := len(segs) - 1; i >= 0; i-- {
		f, err := os.Open(j.segPath(segs[i]))
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), MaxLine+1)
		for sc.Scan() {
			if !bytes.Contains(sc.Bytes(), []byte(`"digest":"`+id)) {
				continue
			}
			_, full, err := ParseLine(sc.Bytes())
			if err == nil {
				f.Close()
				return full, nil
			}
		}
		f.Close()
	}
	return nil, nil
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
