package daemon

import (
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtnode "github.com/cometbft/cometbft/node"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/snapshot"
	"github.com/dengta-chain/dengta/internal/state"
)

// Backups (docs/operations.md). A running node writes a consistent backup
// of itself on request through its admin socket (<home>/data/admin.sock,
// reachable by the node's own user only): a snapshot of the last
// committed state, a checkpoint of the hall's accounts, its off-chain
// files, its configuration and keys (encrypted, as they are at rest) and
// the validator's last-sign state, with backup.json naming the height,
// app hash and block hash. Restore rebuilds a home from it: the state
// from the snapshot (its root checked against the backed-up app hash), and
// CometBFT's state at that height from the consortium's nodes through
// the light client, trusting the backed-up block, so that the node then
// catches up by block sync.

// BackupFormat names the format of backup.json.
const BackupFormat = "dengta-backup/1"

// BackupInfo is backup.json.
type BackupInfo struct {
	Format    string    `json:"format"`
	ChainID   string    `json:"chain_id"`
	Org       string    `json:"org,omitempty"`
	Moniker   string    `json:"moniker"`
	Height    int64     `json:"height"`
	AppHash   string    `json:"app_hash"`
	BlockHash string    `json:"block_hash"`
	BlockTime time.Time `json:"block_time"`
	Taken     time.Time `json:"taken"`
	Keys      int64     `json:"keys"`
	Files     int       `json:"files"`
	// Locals counts the node's own records (its transaction index) in
	// the locals file, whose SHA-256 is LocalsSHA256.
	Locals       int64  `json:"locals"`
	LocalsSHA256 string `json:"locals_sha256"`
}

// Names inside a backup directory.
const (
	backupInfoFile  = "backup.json"
	backupState     = "state"
	backupHall      = "hall"
	backupBlobs     = "blobs"
	backupConfig    = "config"
	backupSignState = "priv_validator_state.json"
	backupLocals    = "locals.bin"
)

// AdminSocket is the path of a running node's admin socket.
func AdminSocket(home string) string { return filepath.Join(node.DataDir(home), "admin.sock") }

func signStateFile(home string) string {
	return filepath.Join(node.DataDir(home), backupSignState)
}

func configDir(home string) string { return filepath.Dir(node.ConfigFile(home)) }

// Backup writes a backup of the running node into dir, which must not
// exist. Backups are taken one at a time.
func (d *Daemon) Backup(ctx context.Context, dir string) (*BackupInfo, error) {
	d.backupMu.Lock()
	defer d.backupMu.Unlock()
	if _, err := os.Stat(dir); err == nil {
		return nil, fmt.Errorf("backup: %s exists; name a new directory", dir)
	}
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	info, err := d.writeBackup(ctx, tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("backup: %w", err)
	}
	return info, nil
}

func (d *Daemon) writeBackup(ctx context.Context, dir string) (*BackupInfo, error) {
	height := d.store.Version()
	if height < 1 {
		return nil, errors.New("the node has committed no block yet")
	}
	view, err := d.store.At(height)
	if err != nil {
		return nil, err
	}
	blk, err := d.Node.Client().Block(ctx, &height)
	if err != nil {
		return nil, fmt.Errorf("block %d: %w", height, err)
	}
	// The validator's last-sign state first: a backup never holds one
	// older than its state.
	if err := copyFile(signStateFile(d.Home), filepath.Join(dir, backupSignState)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	snaps, err := snapshot.Open(filepath.Join(dir, backupState), 1)
	if err != nil {
		return nil, err
	}
	sn, err := snaps.Create(view, snapshot.Meta{ChainID: d.ChainID, AppVersion: d.App.ChainAppVersion(), BlockTime: blk.Block.Time})
	if err != nil {
		return nil, err
	}
	locals, localsSum, err := writeLocals(d.store, filepath.Join(dir, backupLocals))
	if err != nil {
		return nil, fmt.Errorf("transaction index: %w", err)
	}
	if err := d.accounts.Checkpoint(filepath.Join(dir, backupHall)); err != nil {
		return nil, err
	}
	files, err := copyTree(node.BlobDir(d.Home), filepath.Join(dir, backupBlobs), func(rel string) bool { return rel == "tmp" })
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	if _, err := copyTree(configDir(d.Home), filepath.Join(dir, backupConfig), func(rel string) bool { return strings.HasPrefix(filepath.Base(rel), ".") }); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	root := view.Root()
	info := &BackupInfo{Format: BackupFormat, ChainID: d.ChainID, Org: d.Settings.Org, Moniker: d.Settings.Moniker,
		Height: height, AppHash: root.String(), BlockHash: strings.ToUpper(hex.EncodeToString(blk.BlockID.Hash)),
		BlockTime: blk.Block.Time.UTC(), Taken: time.Now().UTC().Truncate(time.Second), Keys: sn.Manifest.Keys, Files: files,
		Locals: locals, LocalsSHA256: localsSum}
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, backupInfoFile), append(data, '\n'), 0o600); err != nil {
		return nil, err
	}
	return info, nil
}

// copyTree copies the regular files under src to dst, skipping the paths
// skip names; it returns how many files it copied. A missing src is an
// empty tree.
func copyTree(src, dst string, skip func(rel string) bool) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == src {
				return fs.SkipAll
			}
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if rel != "." && skip != nil && skip(rel) {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case e.IsDir():
			return os.MkdirAll(target, 0o700)
		case e.Type().IsRegular():
			n++
			return copyFile(path, target)
		}
		return nil
	})
	return n, err
}

// copyFile copies src to dst through a synced temporary file.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	tmp := dst + ".part"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, st.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// admin serves the node's admin socket.
type admin struct {
	ln  net.Listener
	srv *http.Server
}

// startAdmin listens on the admin socket (mode 0600). A node that cannot
// (a path too long for a socket) runs without one and says so.
func (d *Daemon) startAdmin(logger *slog.Logger) {
	path := AdminSocket(d.Home)
	_ = os.Remove(path) // left by a killed process
	ln, err := net.Listen("unix", path)
	if err != nil {
		logger.Warn("no admin socket: 'dengta backup' cannot reach this node", "path", path, "err", err)
		return
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		logger.Warn("no admin socket", "path", path, "err", err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /backup", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Dir string `json:"dir"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil || !filepath.IsAbs(req.Dir) {
			http.Error(w, "want {\"dir\": an absolute path}", http.StatusBadRequest)
			return
		}
		start := time.Now()
		info, err := d.Backup(r.Context(), req.Dir)
		if err != nil {
			logger.Error("backup failed", "dir", req.Dir, "err", err)
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		logger.Info("backup written", "dir", req.Dir, "height", info.Height, "keys", info.Keys, "files", info.Files,
			"took", time.Since(start).Round(time.Millisecond))
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(info)
	})
	d.admin = &admin{ln: ln, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = d.admin.srv.Serve(ln) }()
}

func (d *Daemon) stopAdmin() {
	if d.admin == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.admin.srv.Shutdown(ctx)
	_ = os.Remove(AdminSocket(d.Home))
	// A backup still being written finishes before the stores close.
	d.backupMu.Lock()
	d.backupMu.Unlock() //nolint:staticcheck // a barrier

}

// RequestBackup asks the node running in home to write a backup into dir.
func RequestBackup(ctx context.Context, home, dir string) (*BackupInfo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	sock := AdminSocket(home)
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, "unix", sock)
	}}}
	body, _ := json.Marshal(map[string]string{"dir": abs})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://admin/backup", strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reach the node's admin socket %s (is the node running, as this user?): %w", sock, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the node could not write the backup: %s", strings.TrimSpace(string(data)))
	}
	var info BackupInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// ReadBackup reads and checks a backup's backup.json.
func ReadBackup(dir string) (*BackupInfo, error) {
	data, err := os.ReadFile(filepath.Join(dir, backupInfoFile))
	if err != nil {
		return nil, fmt.Errorf("read backup: %w", err)
	}
	var info BackupInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("read backup: %w", err)
	}
	if info.Format != BackupFormat {
		return nil, fmt.Errorf("read backup: format %q, want %q", info.Format, BackupFormat)
	}
	if info.Height < 1 || len(info.BlockHash) != 64 || len(info.AppHash) != 64 {
		return nil, errors.New("read backup: backup.json lacks the height, block hash or app hash")
	}
	return &info, nil
}

// IsBackup reports whether dir is a backup ('dengta backup' wrote it), not
// a node's home.
func IsBackup(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, backupInfoFile))
	return err == nil
}

// Restore writes a new home from a backup: configuration, keys, hall
// accounts, files and last-sign state as they were, the state from the
// backup's snapshot (its root must be the backed-up app hash), and
// CometBFT's state at the backup's height, which the light client fetches
// from rpcServers (two or more of the consortium's nodes) and verifies
// from the backed-up block. The node then catches up by block sync.
func Restore(ctx context.Context, backupDir, home string, rpcServers []string) (*BackupInfo, error) {
	if err := node.CheckRPCServers(rpcServers); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	info, err := ReadBackup(backupDir)
	if err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(home); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("restore: %s is not empty; restore into a new or empty directory", home)
	}
	if err := restoreHome(ctx, backupDir, home, info, rpcServers); err != nil {
		os.RemoveAll(home)
		return nil, fmt.Errorf("restore: %w", err)
	}
	return info, nil
}

func restoreHome(ctx context.Context, backupDir, home string, info *BackupInfo, rpcServers []string) error {
	if _, err := copyTree(filepath.Join(backupDir, backupConfig), configDir(home), nil); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := os.MkdirAll(node.DataDir(home), 0o700); err != nil {
		return err
	}
	if err := copyFile(filepath.Join(backupDir, backupSignState), signStateFile(home)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("validator sign state: %w", err)
	}
	if _, err := copyTree(filepath.Join(backupDir, backupHall), node.HallDir(home), nil); err != nil {
		return fmt.Errorf("hall accounts: %w", err)
	}
	if _, err := copyTree(filepath.Join(backupDir, backupBlobs), node.BlobDir(home), nil); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	appHash, err := restoreState(backupDir, home, info)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	c, err := node.LoadConfig(home)
	if err != nil {
		return err
	}
	// Only for the light client of this bootstrap; config.toml keeps state
	// sync off.
	c.StateSync.RPCServers = rpcServers
	c.StateSync.TrustHeight = info.Height
	c.StateSync.TrustHash = info.BlockHash
	// The light client verifies the two blocks after the backup's: a
	// backup restored at once (a node lost right after its backup) waits
	// for the consortium to make them.
	if err := waitForHeight(ctx, rpcServers, info.Height+2, restoreHeightWait); err != nil {
		return err
	}
	if err := quietStdout(filepath.Join(node.DataDir(home), "restore.log"), func() error {
		return cmtnode.BootstrapState(ctx, c, cmtcfg.DefaultDBProvider, cmtnode.DefaultGenesisDocProviderFunc(c), uint64(info.Height), appHash)
	}); err != nil {
		return fmt.Errorf("consensus state at height %d from %s: %w", info.Height, strings.Join(rpcServers, ", "), err)
	}
	// The old node may have signed up to the chain's latest height after
	// the backup: the restored validator signs nothing at or below it
	// (ADR 0017), whenever block sync hands it to consensus.
	var latest int64
	for _, srv := range rpcServers {
		if h, err := rpcHeight(ctx, srv); err == nil {
			latest = max(latest, h)
		}
	}
	if _, err := node.RaiseSignState(signStateFile(home), latest); err != nil {
		return fmt.Errorf("validator sign state: %w", err)
	}
	return nil
}

// quietStdout runs fn with the process's standard output going to the
// file at path. CometBFT's BootstrapState logs every step of its light
// client at debug level to standard output, which a restore's operator
// should not have to read; the log is kept in the restored home.
func quietStdout(path string, fn func() error) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fn()
	}
	defer f.Close()
	stdout := os.Stdout
	os.Stdout = f
	defer func() { os.Stdout = stdout }()
	return fn()
}

// restoreHeightWait bounds how long a restore waits for the consortium
// to commit the two blocks after the backup's; restoreNoAnswer how long it
// waits when no server answers at all (a wrong address, a stopped node).
const (
	restoreHeightWait = 2 * time.Minute
	restoreNoAnswer   = 15 * time.Second
)

// waitForHeight waits until one of the CometBFT RPC servers reports
// height h or more.
func waitForHeight(ctx context.Context, rpcServers []string, h int64, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	var last int64
	var lastErr error
	for {
		for _, srv := range rpcServers {
			got, err := rpcHeight(ctx, srv)
			if err != nil {
				lastErr = err
				continue
			}
			if got >= h {
				return nil
			}
			last = max(last, got)
		}
		if last == 0 && time.Since(start) > restoreNoAnswer {
			return fmt.Errorf("none of the consortium's nodes at %s answered in %s: %w", strings.Join(rpcServers, ", "), restoreNoAnswer, lastErr)
		}
		select {
		case <-time.After(250 * time.Millisecond):
		case <-ctx.Done():
			if last > 0 {
				return fmt.Errorf("the consortium's nodes at %s are at height %d; the restore needs height %d (the two blocks after the backup's) and waited %s", strings.Join(rpcServers, ", "), last, h, timeout)
			}
			return fmt.Errorf("the consortium's nodes at %s: %w", strings.Join(rpcServers, ", "), errors.Join(lastErr, ctx.Err()))
		}
	}
}

// rpcHeight asks a CometBFT RPC server for its latest height.
func rpcHeight(ctx context.Context, server string) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(server, "/")+"/status", nil)
	if err != nil {
		return 0, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var st struct {
		Result struct {
			SyncInfo struct {
				Height string `json:"latest_block_height"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&st); err != nil {
		return 0, fmt.Errorf("status of %s: %w", server, err)
	}
	var h int64
	if _, err := fmt.Sscan(st.Result.SyncInfo.Height, &h); err != nil {
		return 0, fmt.Errorf("status of %s: height %q", server, st.Result.SyncInfo.Height)
	}
	return h, nil
}

// restoreState rebuilds the state store from the backup's snapshot.
func restoreState(backupDir, home string, info *BackupInfo) ([]byte, error) {
	snaps, err := snapshot.Open(filepath.Join(backupDir, backupState), 1)
	if err != nil {
		return nil, err
	}
	list, err := snaps.List()
	if err != nil {
		return nil, err
	}
	if len(list) != 1 || list[0].Height != info.Height {
		return nil, fmt.Errorf("the backup holds no snapshot of height %d", info.Height)
	}
	sn := list[0]
	m, err := snapshot.ParseManifest(sn.Metadata, uint64(sn.Height), sn.Format, sn.Chunks, sn.Hash)
	if err != nil {
		return nil, err
	}
	want, err := state.ParseHash(info.AppHash)
	if err != nil {
		return nil, err
	}
	st, err := state.Open(node.StateDir(home))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	x, err := snapshot.StartRestore(st, m, want[:])
	if err != nil {
		return nil, err
	}
	for i := range int(sn.Chunks) {
		c, err := snaps.Chunk(sn.Height, sn.Format, uint32(i))
		if err != nil {
			x.Abort()
			return nil, err
		}
		if err := x.Apply(i, c); err != nil {
			x.Abort()
			return nil, err
		}
	}
	own := app.SnapshotLocals(m)
	if err := x.Finish(own); err != nil {
		return nil, err
	}
	if err := readLocals(filepath.Join(backupDir, backupLocals), info, st, own); err != nil {
		return nil, fmt.Errorf("transaction index: %w", err)
	}
	return want[:], nil
}

// writeLocals writes the node's own committed records to path, DEFLATE
// compressed: uvarint(len key) key uvarint(len value) value each. It
// returns how many and the file's SHA-256.
func writeLocals(st *state.Store, path string) (int64, string, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	sum := sha256.New()
	zw, err := flate.NewWriter(io.MultiWriter(f, sum), flate.BestSpeed)
	if err != nil {
		return 0, "", err
	}
	bw := bufio.NewWriterSize(zw, 1<<16)
	var n int64
	var werr error
	var lenBuf [binary.MaxVarintLen64]byte
	err = st.IterateLocal(func(k, v []byte) bool {
		for _, b := range [][]byte{k, v} {
			if _, werr = bw.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(len(b)))]); werr != nil {
				return false
			}
			if _, werr = bw.Write(b); werr != nil {
				return false
			}
		}
		n++
		return true
	})
	for _, e := range []error{err, werr, bw.Flush(), zw.Close(), f.Sync()} {
		if e != nil {
			return 0, "", e
		}
	}
	return n, hex.EncodeToString(sum.Sum(nil)), nil
}

// readLocals puts the backup's node-local records back into st, except
// those the restore wrote itself (own).
func readLocals(path string, info *BackupInfo, st *state.Store, own map[string][]byte) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && info.Locals == 0 && info.LocalsSHA256 == "" {
		return nil // a backup without them
	}
	if err != nil {
		return err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != info.LocalsSHA256 {
		return fmt.Errorf("%s does not match backup.json's SHA-256", path)
	}
	r := bufio.NewReader(flate.NewReader(bytes.NewReader(data)))
	w, err := st.WriteLocals()
	if err != nil {
		return err
	}
	var n int64
	for {
		k, err := readField(r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		v, err := readField(r)
		if err != nil {
			return fmt.Errorf("record %d: %w", n, err)
		}
		n++
		if _, mine := own[string(k)]; mine {
			continue
		}
		if err := w.Put(k, v); err != nil {
			return err
		}
	}
	if n != info.Locals {
		return fmt.Errorf("%d records, backup.json says %d", n, info.Locals)
	}
	return w.Close()
}

// readField reads one uvarint-length-prefixed field (io.EOF at a clean end).
func readField(r *bufio.Reader) ([]byte, error) {
	l, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if l > 64<<20 {
		return nil, fmt.Errorf("a field of %d bytes", l)
	}
	b := make([]byte, l)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("truncated field: %w", err)
	}
	return b, nil
}
