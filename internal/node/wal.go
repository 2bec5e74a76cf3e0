package node

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
)

// The consensus WAL (<home>/data/cs.wal/wal, rotated into wal.000,
// wal.001, ...) is CometBFT's record of the messages of the height in
// progress. Each entry is a 4-byte CRC-32C of the data, a 4-byte length
// and the data (a protobuf TimedWALMessage), all big-endian. A process
// killed in the middle of a write leaves a torn entry at the end of the
// head file. CometBFT's reader then skips "corrupted entries" byte by
// byte on every later start (one log line each, tens of thousands of
// them), and the search for the last height can miss it, so the restart
// skips the replay of the height in progress. RepairWAL cuts such a tail
// once, before CometBFT opens the WAL.

// walMaxEntryBytes is CometBFT's bound on a WAL entry's data
// (maxMsgSizeBytes: a 1 MiB consensus message plus its time).
const walMaxEntryBytes = 1048576 + 24

var walCRC = crc32.MakeTable(crc32.Castagnoli)

// WALRepair says what RepairWAL found.
type WALRepair struct {
	Files   int   // files of the WAL group checked
	Entries int   // whole entries kept
	Bytes   int64 // bytes checked
	// Truncated lists the files cut at their first bad entry, with what
	// was cut.
	Truncated []WALCut
}

// WALCut is one file cut at its first bad entry.
type WALCut struct {
	File    string
	Offset  int64 // the file's new length
	Dropped int64 // bytes removed
	Reason  string
	Backup  string // where the bytes cut were kept
}

// walFiles returns the files of the WAL group whose head is head, oldest
// first, the head last (autofile's naming: head.000, head.001, ..., head).
func walFiles(head string) ([]string, error) {
	dir, base := filepath.Dir(head), filepath.Base(head)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pattern := regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `\.([0-9]{3,})$`)
	type indexed struct {
		n    int
		path string
	}
	var rotated []indexed
	haveHead := false
	for _, e := range entries {
		if e.Name() == base {
			haveHead = true
			continue
		}
		if m := pattern.FindStringSubmatch(e.Name()); m != nil {
			n, err := strconv.Atoi(m[1])
			if err == nil {
				rotated = append(rotated, indexed{n, filepath.Join(dir, e.Name())})
			}
		}
	}
	slices.SortFunc(rotated, func(a, b indexed) int { return a.n - b.n })
	var out []string
	for _, r := range rotated {
		out = append(out, r.path)
	}
	if haveHead {
		out = append(out, head)
	}
	return out, nil
}

// scanWAL reads the entries of one file and returns the offset just after
// the last whole, well-checksummed entry, the number of entries, and why
// it stopped early ("" at a clean end of file).
func scanWAL(path string) (good int64, entries int, reason string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, "", err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	var hdr [8]byte
	data := make([]byte, 0, 4096)
	for {
		n, err := io.ReadFull(r, hdr[:])
		if err == io.EOF {
			return good, entries, "", nil
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return good, entries, fmt.Sprintf("an entry header cut after %d of 8 bytes", n), nil
			}
			return good, entries, "", err
		}
		crc := binary.BigEndian.Uint32(hdr[0:4])
		length := binary.BigEndian.Uint32(hdr[4:8])
		if length == 0 {
			// Every entry holds a time and a message; eight zero bytes
			// (a preallocated or zero-filled tail) would pass the checksum.
			return good, entries, "an empty entry (zero bytes)", nil
		}
		if length > walMaxEntryBytes {
			return good, entries, fmt.Sprintf("an entry length of %d bytes, over the %d-byte limit", length, walMaxEntryBytes), nil
		}
		data = slices.Grow(data[:0], int(length))[:length]
		if n, err := io.ReadFull(r, data); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return good, entries, fmt.Sprintf("an entry cut after %d of %d bytes", n, length), nil
			}
			return good, entries, "", err
		}
		if crc32.Checksum(data, walCRC) != crc {
			return good, entries, "an entry whose checksum does not match", nil
		}
		good += 8 + int64(length)
		entries++
	}
}

// RepairWAL checks every file of the consensus WAL group whose head file
// is head (config's Consensus.WalFile()) and cuts each file at its first
// torn or corrupt entry, keeping the bytes it cuts in <WAL dir>.torn/. Entries after a bad one cannot be found again
// (the format has no resynchronisation marker), and CometBFT needs only
// the messages of the last height, which are in the head file before
// any tear. A missing WAL is not an error.
func RepairWAL(head string) (*WALRepair, error) {
	files, err := walFiles(head)
	if err != nil {
		return nil, fmt.Errorf("consensus WAL: %w", err)
	}
	rep := &WALRepair{Files: len(files)}
	for _, path := range files {
		good, n, reason, err := scanWAL(path)
		if err != nil {
			return rep, fmt.Errorf("consensus WAL %s: %w", path, err)
		}
		rep.Entries += n
		rep.Bytes += good
		if reason == "" {
			continue
		}
		st, err := os.Stat(path)
		if err != nil {
			return rep, fmt.Errorf("consensus WAL %s: %w", path, err)
		}
		backup, err := keepTornTail(path, good)
		if err != nil {
			return rep, fmt.Errorf("consensus WAL %s: keep the torn tail before the repair: %w", path, err)
		}
		if err := truncateSync(path, good); err != nil {
			return rep, fmt.Errorf("consensus WAL %s: %w", path, err)
		}
		rep.Truncated = append(rep.Truncated, WALCut{File: path, Offset: good, Dropped: st.Size() - good, Reason: reason, Backup: backup})
	}
	return rep, nil
}

// keepTornTail copies the bytes of path from offset on (what a repair
// cuts) to the first free <WAL dir>.torn/<file>.<n>, outside the WAL's
// own directory, where CometBFT would count it as part of the group.
func keepTornTail(path string, offset int64) (string, error) {
	dir := filepath.Dir(path) + ".torn"
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	src, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer src.Close()
	if _, err := src.Seek(offset, io.SeekStart); err != nil {
		return "", err
	}
	for i := 1; ; i++ {
		dst := filepath.Join(dir, fmt.Sprintf("%s.%d", filepath.Base(path), i))
		out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if _, err := io.Copy(out, src); err != nil {
			out.Close()
			return "", err
		}
		if err := out.Sync(); err != nil {
			out.Close()
			return "", err
		}
		return dst, out.Close()
	}
}

func truncateSync(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
