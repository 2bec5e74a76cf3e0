package node

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	cmtlog "github.com/cometbft/cometbft/libs/log"
)

type lazyStringer struct{ calls *int }

func (s lazyStringer) String() string { *s.calls++; return "lazy" }

func TestCmtLogger(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var l cmtlog.Logger = newCmtLogger(base)
	l = l.With("module", "consensus")

	calls := 0
	l.Info("Committed state", "height", 5, "hash", []byte{0xab, 0xcd})
	l.Info("Stopping Node")
	l.Error("CONSENSUS FAILURE!!!", "err", errors.New("boom"), "peer", lazyStringer{&calls})
	l.Debug("gossip", "odd")

	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		recs = append(recs, m)
	}
	if len(recs) != 4 {
		t.Fatalf("got %d records: %s", len(recs), buf.String())
	}
	wantLevels := []string{"DEBUG", "INFO", "ERROR", "DEBUG"}
	for i, r := range recs {
		if r["level"] != wantLevels[i] {
			t.Errorf("record %d (%v): level %v, want %s", i, r["msg"], r["level"], wantLevels[i])
		}
		if r["module"] != "consensus" {
			t.Errorf("record %d: module %v", i, r["module"])
		}
	}
	if recs[0]["hash"] != "ABCD" || recs[0]["height"] != float64(5) {
		t.Errorf("values: %v", recs[0])
	}
	if recs[2]["err"] != "boom" || recs[2]["peer"] != "lazy" {
		t.Errorf("error record: %v", recs[2])
	}
	if recs[3]["!BADKEY"] != "odd" {
		t.Errorf("odd keyvals: %v", recs[3])
	}

	// Disabled levels do not format their values.
	buf.Reset()
	calls = 0
	quiet := newCmtLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	quiet.Info("Committed state", "peer", lazyStringer{&calls})
	if buf.Len() != 0 || calls != 0 {
		t.Errorf("chatty info logged at info level: %q, %d String calls", buf.String(), calls)
	}
}

// TestPlannedStopLog: CometBFT logs a stop of consensus as a failure
// with its stack trace. When the application says the stop is the
// planned one at an upgrade height, the node logs it as such, a warning
// without the stack; the halt is reported either way.
func TestPlannedStopLog(t *testing.T) {
	for _, planned := range []bool{false, true} {
		var buf bytes.Buffer
		var halts []error
		l := cmtLogger{l: slog.New(slog.NewJSONHandler(&buf, nil)), halted: func(err error) { halts = append(halts, err) },
			planned: func() bool { return planned }}
		l.With("module", "consensus").Error(consensusFailure, "err", "failed to apply block; error UPGRADE NEEDED at height 40", "stack", "goroutine 1 [running]:...")
		var rec map[string]any
		if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
			t.Fatalf("%q: %v", buf.String(), err)
		}
		wantLevel, wantMsg, wantStack := "ERROR", consensusFailure, true
		if planned {
			wantLevel, wantMsg, wantStack = "WARN", plannedStop, false
		}
		_, stack := rec["stack"]
		if rec["level"] != wantLevel || rec["msg"] != wantMsg || stack != wantStack || rec["module"] != "consensus" ||
			!strings.Contains(fmt.Sprint(rec["err"]), "UPGRADE NEEDED") {
			t.Errorf("planned %v: logged %v", planned, rec)
		}
		if len(halts) != 1 {
			t.Errorf("planned %v: %d halts reported", planned, len(halts))
		}
	}
	if got := withoutKey([]any{"a", 1, "stack", "s", "odd"}, "stack"); fmt.Sprint(got) != "[a 1 odd]" {
		t.Errorf("withoutKey = %v", got)
	}
}
