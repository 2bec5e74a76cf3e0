package keyfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Key file permissions: only the owner may read a key file or list its
// directory.
const (
	FileMode = 0o600
	DirMode  = 0o700
)

// Create writes data to a new file at path with mode 0600, creating
// missing parent directories with mode 0700. It never overwrites, and a
// reader never sees a partly written file: the data is written and synced
// under a temporary name, then linked to path, which fails if path exists.
func Create(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), DirMode); err != nil {
		return fmt.Errorf("key directory: %w", err)
	}
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return existsError{path}
		}
		return fmt.Errorf("create key file: %w", err)
	}
	return syncDir(path)
}

// Replace writes data over the file at path atomically: a crash leaves
// either the old file or the new one, never a mix. The new file has mode
// 0600.
func Replace(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replace key file: %w", err)
	}
	return syncDir(path)
}

func writeTemp(path string, data []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("create key file: %w", err)
	}
	tmp := f.Name()
	werr := f.Chmod(FileMode) // CreateTemp uses 0600; the umask cannot widen it
	if werr == nil {
		_, werr = f.Write(data)
	}
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("write key file: %w", werr)
	}
	return tmp, nil
}

// syncDir makes the new directory entry durable.
func syncDir(path string) error {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return nil // best effort: the file itself is synced
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}

// Read reads and parses an encrypted key file. A file in another format
// (a legacy plain key) is ErrNotKeyFile, with its bytes returned for the
// caller's legacy parser.
func Read(path string) (*File, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read key file: %w", err)
	}
	f, err := Parse(data)
	if errors.Is(err, ErrNotKeyFile) {
		return nil, data, err
	}
	if err != nil {
		return nil, data, fmt.Errorf("key file %s is not valid: %w", path, err)
	}
	return f, data, nil
}

// OpenError wraps a decryption error with the file's path, in the words
// people read: "wrong passphrase for key file X", "key file X is corrupt
// or altered: ...", "key file X is encrypted and no passphrase was given".
func OpenError(path string, err error) error {
	switch {
	case errors.Is(err, ErrWrongPassphrase):
		return &pathError{path: path, err: err, msg: "wrong passphrase for key file " + path}
	case errors.Is(err, ErrCorrupt):
		return &pathError{path: path, err: err, msg: "key file " + path + " is " + err.Error()}
	case errors.Is(err, ErrNoPassphrase):
		return &pathError{path: path, err: err, msg: "key file " + path + " is encrypted and no passphrase was given"}
	}
	return fmt.Errorf("key file %s: %w", path, err)
}

type pathError struct {
	path, msg string
	err       error
}

func (e *pathError) Error() string { return e.msg }
func (e *pathError) Unwrap() error { return e.err }

// existsError: a key file is never overwritten. It is fs.ErrExist.
type existsError struct{ path string }

func (e existsError) Error() string {
	return "key file " + e.path + " already exists; refusing to overwrite it"
}

func (e existsError) Is(target error) bool { return target == fs.ErrExist }
