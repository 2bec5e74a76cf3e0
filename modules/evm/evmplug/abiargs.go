package evmplug

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"reflect"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// Contracts' ABIs for people: reading an ABI file (solc's JSON, or a
// Hardhat or solc artifact holding one), arguments typed on a command line
// or in a form, and values decoded back to JSON.

// ReadABI reads an ABI from a file: the JSON array solc writes, or an
// artifact (Hardhat's, solc's --combined-json entry) whose "abi" field is
// one. It also returns the artifact's creation bytecode, if it has one.
func ReadABI(path string) (abi.ABI, []byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return abi.ABI{}, nil, err
	}
	return ParseABI(b)
}

// ParseABI reads an ABI (or an artifact with one) from JSON text.
func ParseABI(b []byte) (abi.ABI, []byte, error) {
	text := strings.TrimSpace(string(b))
	var code []byte
	if strings.HasPrefix(text, "{") {
		var art struct {
			ABI      json.RawMessage `json:"abi"`
			Bytecode json.RawMessage `json:"bytecode"`
		}
		if err := json.Unmarshal(b, &art); err != nil || len(art.ABI) == 0 {
			return abi.ABI{}, nil, fmt.Errorf("not an ABI: a JSON array, or an artifact with an \"abi\" field")
		}
		text = string(art.ABI)
		var s string
		var obj struct {
			Object string `json:"object"`
		}
		switch {
		case json.Unmarshal(art.Bytecode, &s) == nil:
		case json.Unmarshal(art.Bytecode, &obj) == nil:
			s = obj.Object
		}
		if s != "" {
			if !strings.HasPrefix(s, "0x") {
				s = "0x" + s
			}
			code, _ = hexutil.Decode(s)
		}
	}
	a, err := abi.JSON(strings.NewReader(text))
	if err != nil {
		return abi.ABI{}, nil, fmt.Errorf("not an ABI: %v", err)
	}
	return a, code, nil
}

// ParseArgs converts texts to the Go values the ABI encoder expects for
// args: numbers in decimal or 0x hex, addresses, true/false, 0x hex for
// bytes, JSON arrays for arrays.
func ParseArgs(args abi.Arguments, texts []string) ([]any, error) {
	if len(texts) != len(args) {
		var names []string
		for _, a := range args {
			names = append(names, a.Type.String()+" "+a.Name)
		}
		return nil, fmt.Errorf("%d arguments given, %d wanted (%s)", len(texts), len(args), strings.Join(names, ", "))
	}
	out := make([]any, len(args))
	for i, a := range args {
		v, err := parseValue(a.Type, texts[i])
		if err != nil {
			name := a.Name
			if name == "" {
				name = fmt.Sprint(i + 1)
			}
			return nil, fmt.Errorf("argument %s (%s): %v", name, a.Type, err)
		}
		out[i] = v
	}
	return out, nil
}

func parseValue(t abi.Type, s string) (any, error) {
	s = strings.TrimSpace(s)
	switch t.T {
	case abi.AddressTy:
		if !common.IsHexAddress(s) {
			return nil, fmt.Errorf("%q is not an address (0x and 40 hex digits)", s)
		}
		return common.HexToAddress(s), nil
	case abi.BoolTy:
		switch strings.ToLower(s) {
		case "true", "1":
			return true, nil
		case "false", "0":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not true or false", s)
	case abi.StringTy:
		return s, nil
	case abi.IntTy, abi.UintTy:
		n, ok := new(big.Int).SetString(s, 0)
		if !ok {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		if t.T == abi.UintTy && n.Sign() < 0 {
			return nil, fmt.Errorf("%s is negative", s)
		}
		if n.BitLen() > t.Size {
			return nil, fmt.Errorf("%s does not fit in %d bits", s, t.Size)
		}
		return toIntType(t.GetType(), n), nil
	case abi.BytesTy:
		b, err := hexutil.Decode(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not 0x hex: %v", s, err)
		}
		return b, nil
	case abi.FixedBytesTy:
		b, err := hexutil.Decode(s)
		if err != nil || len(b) != t.Size {
			return nil, fmt.Errorf("%q is not %d bytes of 0x hex", s, t.Size)
		}
		v := reflect.New(t.GetType()).Elem()
		reflect.Copy(v, reflect.ValueOf(b))
		return v.Interface(), nil
	case abi.SliceTy, abi.ArrayTy:
		var items []json.RawMessage
		if err := json.Unmarshal([]byte(s), &items); err != nil {
			return nil, fmt.Errorf("%q is not a JSON array", s)
		}
		if t.T == abi.ArrayTy && len(items) != t.Size {
			return nil, fmt.Errorf("%d items, the array has %d", len(items), t.Size)
		}
		var v reflect.Value
		if t.T == abi.SliceTy {
			v = reflect.MakeSlice(t.GetType(), len(items), len(items))
		} else {
			v = reflect.New(t.GetType()).Elem()
		}
		for i, raw := range items {
			var text string
			if json.Unmarshal(raw, &text) != nil {
				text = string(raw)
			}
			e, err := parseValue(*t.Elem, text)
			if err != nil {
				return nil, fmt.Errorf("item %d: %v", i, err)
			}
			v.Index(i).Set(reflect.ValueOf(e))
		}
		return v.Interface(), nil
	}
	return nil, fmt.Errorf("type %s cannot be given on a command line or in a form", t)
}

// toIntType converts n to the Go type the encoder wants: a sized integer
// up to 64 bits, *big.Int beyond.
func toIntType(rt reflect.Type, n *big.Int) any {
	switch rt.Kind() {
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return reflect.ValueOf(n.Int64()).Convert(rt).Interface()
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return reflect.ValueOf(n.Uint64()).Convert(rt).Interface()
	}
	return n
}

// JSONValue turns a decoded ABI value into what reads well as JSON:
// numbers as decimal strings, addresses checksummed, bytes as 0x hex.
func JSONValue(v any) any {
	switch x := v.(type) {
	case *big.Int:
		return x.String()
	case common.Address:
		return x.Hex()
	case []byte:
		return hexutil.Encode(x)
	case bool, string:
		return x
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprint(v)
	case reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, rv.Len())
			reflect.Copy(reflect.ValueOf(b), rv)
			return hexutil.Encode(b)
		}
		fallthrough
	case reflect.Slice:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = JSONValue(rv.Index(i).Interface())
		}
		return out
	case reflect.Struct:
		out := map[string]any{}
		for i := range rv.NumField() {
			out[rv.Type().Field(i).Name] = JSONValue(rv.Field(i).Interface())
		}
		return out
	}
	return v
}

// Named pairs a method's or event's decoded values with their names.
func Named(args abi.Arguments, vals []any) map[string]any {
	out := map[string]any{}
	for i, a := range args {
		if i >= len(vals) {
			break
		}
		name := a.Name
		if name == "" {
			name = fmt.Sprint(i)
		}
		out[name] = JSONValue(vals[i])
	}
	return out
}

// DecodeLog decodes a log by the ABI's events: the event's name and its
// arguments, indexed ones included; ok is false for a log of no event of
// the ABI.
func DecodeLog(a abi.ABI, topics []common.Hash, data []byte) (name string, args map[string]any, ok bool) {
	if len(topics) == 0 {
		return "", nil, false
	}
	ev, err := a.EventByID(topics[0])
	if err != nil {
		return "", nil, false
	}
	vals := map[string]any{}
	if err := ev.Inputs.UnpackIntoMap(vals, data); err != nil {
		return ev.Name, nil, false
	}
	var indexed abi.Arguments
	for _, in := range ev.Inputs {
		if in.Indexed {
			indexed = append(indexed, in)
		}
	}
	if err := abi.ParseTopicsIntoMap(vals, indexed, topics[1:]); err != nil {
		return ev.Name, nil, false
	}
	out := map[string]any{}
	for k, v := range vals {
		out[k] = JSONValue(v)
	}
	return ev.Name, out, true
}
