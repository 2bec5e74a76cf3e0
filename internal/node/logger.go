package node

import (
	"context"
	"fmt"
	"log/slog"

	cmtlog "github.com/cometbft/cometbft/libs/log"
)

// importantInfo lists the CometBFT Info messages worth an operator's
// attention: start-up identity and handshake, mode switches, validator set
// changes, peer reconnection and shutdown. All other Info messages (per-block
// and per-peer chatter) are logged at slog Debug.
var importantInfo = map[string]bool{
	"Version info":                 true,
	"P2P Node ID":                  true,
	"This node is a validator":     true,
	"This node is not a validator": true,
	"ABCI Handshake App Info":      true,
	"ABCI Replay Blocks":           true,
	"Completed ABCI Handshake - CometBFT and App are synced": true,
	"Software and state have different block protocols":      true,
	"Genesis time is in the future. Sleeping until then...":  true,
	"Adding persistent peers":                                true,
	"Reconnecting to peer":                                   true,
	"Starting state sync":                                    true,
	"Time to switch to consensus mode!":                      true,
	"SwitchToConsensus":                                      true,
	"Updates to validators":                                  true,
	"Stopping Node":                                          true,
}

// consensusFailure is what CometBFT's consensus routine logs, at Error,
// when it recovers a panic and stops for good while the process goes on
// (internal/consensus/state.go, receiveRoutine).
const consensusFailure = "CONSENSUS FAILURE!!!"

// plannedStop is how the node logs consensusFailure when the stop was
// planned: the chain reached an upgrade height whose version this
// software does not run (ADR 0019).
const plannedStop = "consensus stopped at the upgrade height, as planned: this software does not run the upgrade's version"

// cmtLogger adapts a *slog.Logger to CometBFT's log.Logger. halted, when
// set, is told when consensus has stopped (consensusFailure); planned,
// when set, says whether that stop was the planned one at an upgrade
// height, which is then logged as such (a warning without CometBFT's
// stack trace) rather than as a failure.
type cmtLogger struct {
	l       *slog.Logger
	halted  func(error)
	planned func() bool
}

var _ cmtlog.Logger = cmtLogger{}

func newCmtLogger(l *slog.Logger) cmtLogger { return cmtLogger{l: l} }

func (c cmtLogger) Debug(msg string, keyvals ...any) { c.log(slog.LevelDebug, msg, keyvals) }

func (c cmtLogger) Info(msg string, keyvals ...any) {
	level := slog.LevelDebug
	if importantInfo[msg] {
		level = slog.LevelInfo
	}
	c.log(level, msg, keyvals)
}

func (c cmtLogger) Error(msg string, keyvals ...any) {
	if msg == consensusFailure {
		if c.halted != nil {
			c.halted(fmt.Errorf("consensus failure: %v", keyval(keyvals, "err")))
		}
		if c.planned != nil && c.planned() {
			c.log(slog.LevelWarn, plannedStop, withoutKey(keyvals, "stack"))
			return
		}
	}
	c.log(slog.LevelError, msg, keyvals)
}

func (c cmtLogger) With(keyvals ...any) cmtlog.Logger {
	return cmtLogger{l: c.l.With(convertKeyvals(keyvals)...), halted: c.halted, planned: c.planned}
}

// withoutKey returns keyvals without key and its value.
func withoutKey(keyvals []any, key string) []any {
	out := make([]any, 0, len(keyvals))
	for i := 0; i < len(keyvals); i += 2 {
		if i+1 < len(keyvals) && keyvals[i] == key {
			continue
		}
		out = append(out, keyvals[i:min(i+2, len(keyvals))]...)
	}
	return out
}

// keyval returns the value logged under key, or nil.
func keyval(keyvals []any, key string) any {
	for i := 0; i+1 < len(keyvals); i += 2 {
		if keyvals[i] == key {
			return keyvals[i+1]
		}
	}
	return nil
}

func (c cmtLogger) log(level slog.Level, msg string, keyvals []any) {
	ctx := context.Background()
	if !c.l.Enabled(ctx, level) {
		return // skip the conversion work for the common, disabled case
	}
	c.l.Log(ctx, level, msg, convertKeyvals(keyvals)...)
}

// convertKeyvals makes CometBFT's values print well with any slog handler:
// fmt.Stringers (CometBFT passes many, some of them lazy) are formatted when
// the handler resolves them, and byte slices print as upper-case hex as in
// CometBFT's own logger. Keys and errors pass through; an odd trailing
// value becomes slog's !BADKEY.
func convertKeyvals(keyvals []any) []any {
	out := make([]any, len(keyvals))
	for i, v := range keyvals {
		if i%2 == 0 {
			out[i] = v
			continue
		}
		switch v := v.(type) {
		case error, slog.LogValuer:
			out[i] = v
		case fmt.Stringer:
			out[i] = stringerValue{v}
		case []byte:
			out[i] = fmt.Sprintf("%X", v)
		default:
			out[i] = v
		}
	}
	return out
}

type stringerValue struct{ s fmt.Stringer }

func (v stringerValue) LogValue() slog.Value { return slog.StringValue(v.s.String()) }
