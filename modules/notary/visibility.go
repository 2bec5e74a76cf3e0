package notary

import (
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
)

var _ module.Visibility = Module{}

// CanRead implements module.Visibility (ADR 0007). Evidence, batches and
// works are read by their ids, which their depositors hand out (a judge
// checks a certificate, anyone checks the copyright register), and found
// by a file's hash only by who holds the file: the module's keys are
// public. The public verify page and endpoint leave a record's file name,
// description and capture details out when it was found by hash.
func (Module) CanRead(module.Reader, []byte, access.Caller) bool { return true }

// CanReadTx implements module.Visibility: a deposit's or registration's
// body (file names, descriptions, licence terms) is for its signer's
// organisation and those who oversee.
func (Module) CanReadTx(module.Reader, string, []byte, access.Caller) bool { return false }
