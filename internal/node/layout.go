package node

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cockroachdb/pebble/vfs"

	"github.com/dengta-chain/dengta/internal/keyfile"
)

// Home layout of one node. config.toml names CometBFT's files with
// CometBFT's defaults, i.e. relative to the home and exactly as below; the
// node reads its two key files itself (LoadKeys), since they are encrypted.
//
//	<home>/config/config.toml              CometBFT config (written with cfg.WriteConfigFile, read back by LoadConfig)
//	<home>/config/genesis.json             CometBFT genesis; app_state is Dengta's app genesis, opaque here
//	<home>/config/node_key.json            p2p identity key (ed25519), encrypted (ADR 0008); its address, the key_id in the clear, is the node id in "id@ip:port"
//	<home>/config/priv_validator_key.json  consensus signing key (ed25519), encrypted; decrypted in memory at start, never written back
//	<home>/config/addrbook.json            p2p address book, written by CometBFT at run time
//	<home>/config/dengta.json              Dengta settings (moniker, gateway address, organisation), see Settings
//	<home>/data/                           CometBFT data: blockstore.db, state.db, evidence.db (pebble), cs.wal/
//	<home>/data/priv_validator_state.json  last signed height/round/step, guards against double signing
//	<home>/data/state/                     the application's state db (the app opens it; see StateDir)
//	<home>/data/blobs/                     off-chain files, content-addressed (see BlobDir and internal/blob)
//	<home>/data/hall/                      the service hall's users, sessions and sealed custodial keys (internal/accounts)
//	<home>/data/snapshots/                 state-sync snapshots the node serves (internal/snapshot, see SnapshotDir)
//	<home>/data/cs.wal.torn/               torn tails cut from the consensus WAL at start (RepairWAL), kept for inspection
//	<home>/config/hall_master.json         SM4 key sealing the hall's custodial keys, encrypted like the other keys (see HallMasterFile)
//	<home>/config/hall_master.key          the same key in plain hex, in homes made before keys were encrypted ('dengta keys encrypt' upgrades it)
//	<home>/config/operator_key.json        the node's operator key (a member key, encrypted), when the settings name it
//	<home>/config/hosted/<org>.json        member keys of organisations the node hosts, when the settings name them (hosted_keys; dev chains)
//	<home>/data/modules/<module>/          what a module's services keep off chain (an audit journal, say)
//
// Every key file is encrypted under the home's one passphrase in the format
// of docs/adr/0008-keys-at-rest.md (package keyfile); the plain files of
// older homes still open, with a warning. Dev homes use the published dev
// passphrase and their files say so. Back up the home and, separately, its
// passphrase.
const (
	configDirName    = "config"
	dataDirName      = "data"
	configFileName   = "config.toml"
	genesisFileName  = "genesis.json"
	nodeKeyFileName  = "node_key.json"
	pvKeyFileName    = "priv_validator_key.json"
	pvStateFileName  = "priv_validator_state.json"
	settingsFileName = "dengta.json"
	stateDirName     = "state"
)

// ConfigFile returns the path of <home>/config/config.toml.
func ConfigFile(home string) string { return filepath.Join(home, configDirName, configFileName) }

// GenesisFile returns the path of <home>/config/genesis.json.
func GenesisFile(home string) string { return filepath.Join(home, configDirName, genesisFileName) }

// SettingsFile returns the path of <home>/config/dengta.json.
func SettingsFile(home string) string { return filepath.Join(home, configDirName, settingsFileName) }

// StateDir returns <home>/data/state, the directory of the application's
// state database. InitHome creates it; the application opens it.
func StateDir(home string) string { return filepath.Join(home, dataDirName, stateDirName) }

// DataDir returns <home>/data, where every database of the node lives.
func DataDir(home string) string { return filepath.Join(home, dataDirName) }

func configDir(home string) string   { return filepath.Join(home, configDirName) }
func dataDir(home string) string     { return DataDir(home) }
func nodeKeyFile(home string) string { return filepath.Join(home, configDirName, nodeKeyFileName) }
func pvKeyFile(home string) string   { return filepath.Join(home, configDirName, pvKeyFileName) }
func pvStateFile(home string) string { return filepath.Join(home, dataDirName, pvStateFileName) }
func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if os.IsNotExist(err) {
		return false, nil
	}
	return false, err
}

// Settings are Dengta's own per-node settings, kept in <home>/config/dengta.json
// next to CometBFT's config.toml.
type Settings struct {
	Moniker     string `json:"moniker"`
	GatewayAddr string `json:"gateway_addr"` // host:port the HTTP gateway listens on, e.g. "127.0.0.1:8480"
	Org         string `json:"org"`          // organisation id this node belongs to
	// PublicURL is the base URL under which the public pages of this node
	// are reached from outside (e.g. "https://hall.example.cn"); QR codes
	// on certificates and labels point there. Empty: the gateway's own URL.
	PublicURL string `json:"public_url,omitempty"`
	// OperatorKey is the key file (relative to the home, or absolute) of a
	// member key of Org that the node signs its own transactions with,
	// such as batches of public scans. Empty: the node signs nothing.
	OperatorKey string `json:"operator_key,omitempty"`
	// HostedKeys are key files (relative to the home, or absolute) of
	// member keys of other organisations this node hosts: members without
	// a node of their own, whose hall users and off-chain files it keeps.
	// The node's services sign and open data keys with them on the
	// hosted organisation's behalf, as they do with the operator key for
	// the node's own organisation. The dev chain hosts every demo
	// organisation this way.
	HostedKeys []string `json:"hosted_keys,omitempty"`
	// MaxBlobBytes bounds a file uploaded to the node's blob store (0: 64 MiB).
	MaxBlobBytes int64 `json:"max_blob_bytes,omitempty"`
	// BlobQuotaBytes bounds what one organisation may store in the node's
	// blob store (0: 10 GiB).
	BlobQuotaBytes int64 `json:"blob_quota_bytes,omitempty"`
	// TrustedProxies are the reverse proxies (addresses or CIDR prefixes)
	// whose X-Forwarded-For the node believes; per-client limits use the
	// client address they report. Empty: the connection's peer is the
	// client, and the header is ignored.
	TrustedProxies []string `json:"trusted_proxies,omitempty"`
	// MetricsToken lets a request with "Authorization: Bearer <token>"
	// read /metrics from another machine; without it only loopback
	// connections may.
	MetricsToken string `json:"metrics_token,omitempty"`
	// JoinPeers and JoinRPCServers are the P2P ("id@host:port") and
	// CometBFT RPC ("http://host:port") addresses by which other
	// organisations reach the consortium's nodes, put in the join bundles
	// this node gives approved applicants (ADR 0018) after its own. Empty:
	// the addresses its connected peers announce.
	JoinPeers      []string `json:"join_peers,omitempty"`
	JoinRPCServers []string `json:"join_rpc_servers,omitempty"`
	// DiskWarnBytes, DiskRefuseBytes and DiskStopBytes are the free space
	// on the data directory's filesystem below which the node warns,
	// refuses new transactions, and stops cleanly (0: 10 GiB, 4 GiB and
	// 1 GiB; docs/operations.md).
	DiskWarnBytes   int64 `json:"disk_warn_bytes,omitempty"`
	DiskRefuseBytes int64 `json:"disk_refuse_bytes,omitempty"`
	DiskStopBytes   int64 `json:"disk_stop_bytes,omitempty"`
	// MaxBlockAgeSeconds is how old the latest block may be before
	// /healthz reports the node unhealthy (0: 60 s).
	MaxBlockAgeSeconds int64 `json:"max_block_age_seconds,omitempty"`
	// HaltLingerSeconds is how long a node that stops on its own (a
	// consensus failure, a full disk) keeps its gateway answering before
	// the process exits: /healthz then reports why, and submits are
	// refused, so that load balancers and monitoring see it (0: 5 s; -1:
	// none).
	HaltLingerSeconds int64 `json:"halt_linger_seconds,omitempty"`
	// SnapshotInterval is how many blocks apart the node takes the
	// state-sync snapshots it serves to joining nodes (0: 1000; -1:
	// none), and SnapshotKeep how many it keeps (0: 2). ADR 0017.
	SnapshotInterval int64 `json:"snapshot_interval,omitempty"`
	SnapshotKeep     int   `json:"snapshot_keep,omitempty"`
	// StateCheckpointInterval n > 1 makes the node write its state to
	// disk every n blocks instead of every block, keeping only those
	// checkpoints and the blocks since the last one readable (0: every
	// block, an archive node). After a crash the node replays the blocks
	// since its last checkpoint. ADR 0027.
	StateCheckpointInterval int64 `json:"state_checkpoint_interval,omitempty"`
}

// DefaultSnapshotInterval is the default of Settings.SnapshotInterval.
const DefaultSnapshotInterval = 1000

// SnapshotDir is where the node keeps its state-sync snapshots.
func SnapshotDir(home string) string { return filepath.Join(home, dataDirName, "snapshots") }

// OperatorKeyFile is where devnet writes a node's operator key.
func OperatorKeyFile(home string) string {
	return filepath.Join(home, configDirName, "operator_key.json")
}

// HostedKeyFile is where devnet writes the key of an organisation a dev
// node hosts.
func HostedKeyFile(home, org string) string {
	return filepath.Join(home, configDirName, "hosted", org+".json")
}

// ModulesDir is where modules' services keep their off-chain files, one
// directory per module.
func ModulesDir(home string) string { return filepath.Join(home, dataDirName, "modules") }

// SaveSettings writes <home>/config/dengta.json.
func SaveSettings(home string, s Settings) error { return writeSettings(home, s) }

// HallDir is the service hall's account database.
func HallDir(home string) string { return filepath.Join(home, dataDirName, "hall") }

// BlobDir is where the node keeps off-chain files.
func BlobDir(home string) string { return filepath.Join(home, dataDirName, "blobs") }

// LoadSettings reads <home>/config/dengta.json. Unknown fields are an error,
// so that a misspelt setting is not silently ignored.
func LoadSettings(home string) (Settings, error) {
	data, err := os.ReadFile(SettingsFile(home))
	if err != nil {
		return Settings{}, fmt.Errorf("read settings: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Settings
	if err := dec.Decode(&s); err != nil {
		return Settings{}, fmt.Errorf("decode settings %s: %w", SettingsFile(home), err)
	}
	if dec.More() {
		return Settings{}, fmt.Errorf("decode settings %s: trailing data", SettingsFile(home))
	}
	return s, nil
}

func writeSettings(home string, s Settings) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	return writeFileAtomic(SettingsFile(home), append(data, '\n'), 0o644)
}

// writeFileAtomic writes data to a temporary file in path's directory, syncs
// it and renames it over path, so readers never see a half-written file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("create temp file: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}

// ValidatorKey returns the node's consensus signing key, decrypted with
// the passphrase from src, for proving its possession to the chain's
// governance (identity.ProvePossession).
func ValidatorKey(home string, src keyfile.Source) (ed25519.PrivateKey, error) {
	k, _, err := readCometKey(pvKeyFile(home), keyfile.Validator, src)
	if err != nil {
		return nil, fmt.Errorf("validator key: %w", err)
	}
	b := k.Bytes()
	if len(b) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("validator key %s: not an Ed25519 key", pvKeyFile(home))
	}
	return ed25519.PrivateKey(b), nil
}

// CheckStopped returns an error when a node runs on home: its process
// holds the lock of the home's state database. Commands that rewrite a
// home's files offline (keys, pruning) call it first.
func CheckStopped(home string) error {
	lock := filepath.Join(StateDir(home), "LOCK")
	if _, err := os.Stat(lock); errors.Is(err, fs.ErrNotExist) {
		return nil // never started
	}
	l, err := vfs.Default.Lock(lock)
	if err != nil {
		return fmt.Errorf("a node is running on %s (its state database is locked: %v)", home, err)
	}
	return l.Close()
}
