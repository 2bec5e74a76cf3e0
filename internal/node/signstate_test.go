package node

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/privval"
)

// TestRaiseSignState: a restored validator's last-sign state is raised
// to the chain's height, so privval refuses every vote at or below it,
// and never lowered; a missing state stays missing.
func TestRaiseSignState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "priv_validator_state.json")
	if raised, err := RaiseSignState(path, 10); raised || err != nil {
		t.Fatalf("missing state: %v %v", raised, err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("a missing state was created")
	}
	if err := writePVState(path, privval.FilePVLastSignState{Height: 5, Round: 1, Step: 2}); err != nil {
		t.Fatal(err)
	}
	read := func() privval.FilePVLastSignState {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var st privval.FilePVLastSignState
		if err := cmtjson.Unmarshal(b, &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	if raised, err := RaiseSignState(path, 9); !raised || err != nil {
		t.Fatalf("raise to 9: %v %v", raised, err)
	}
	st := read()
	if st.Height != 9 || st.Round != math.MaxInt32 || st.Step != 3 {
		t.Fatalf("raised state %+v", st)
	}
	for _, c := range []struct {
		h     int64
		round int32
		step  int8
		ok    bool
	}{{9, 0, 1, false}, {9, math.MaxInt32, 3, false}, {8, 5, 1, false}, {10, 0, 1, true}} {
		_, err := st.CheckHRS(c.h, c.round, c.step)
		if (err == nil) != c.ok {
			t.Errorf("sign at %d/%d/%d after the raise: %v", c.h, c.round, c.step, err)
		}
	}
	if raised, err := RaiseSignState(path, 7); raised || err != nil || read().Height != 9 {
		t.Fatalf("a lower height lowered the state: %v %v %+v", raised, err, read())
	}
}
