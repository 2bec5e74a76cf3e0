package node

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// parseTOML parses the subset of TOML that CometBFT's config template
// (config/config.toml.tpl) produces, plus the obvious hand edits: comments,
// [dotted.table] headers, dotted or quoted keys, basic and literal strings,
// integers, floats, booleans and (possibly multi-line) arrays with trailing
// commas. Inline tables, arrays of tables, multi-line strings and dates are
// rejected with an error rather than misread.
//
// CometBFT reads config.toml through viper, which is not in Dengta's module
// graph; this small reader plus mapstructure (already required) gives the
// same result for every file CometBFT itself writes.
func parseTOML(data []byte) (map[string]any, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8")
	}
	p := &tomlParser{src: string(data), line: 1}
	root := map[string]any{}
	cur := root
	headers := map[string]bool{}
	for {
		p.skipBlank(true)
		if p.eof() {
			return root, nil
		}
		if p.peek() == '[' {
			if strings.HasPrefix(p.src[p.pos:], "[[") {
				return nil, p.errorf("arrays of tables are not supported")
			}
			p.pos++
			p.skipBlank(false)
			path, err := p.keyPath()
			if err != nil {
				return nil, err
			}
			p.skipBlank(false)
			if p.eof() || p.peek() != ']' {
				return nil, p.errorf("expected ] after table name")
			}
			p.pos++
			name := strings.Join(path, ".")
			if headers[name] {
				return nil, p.errorf("table [%s] defined twice", name)
			}
			headers[name] = true
			if cur, err = descend(root, path); err != nil {
				return nil, p.errorf("table [%s]: %v", name, err)
			}
			if err := p.endOfLine(); err != nil {
				return nil, err
			}
			continue
		}
		path, err := p.keyPath()
		if err != nil {
			return nil, err
		}
		p.skipBlank(false)
		if p.eof() || p.peek() != '=' {
			return nil, p.errorf("expected = after key %q", strings.Join(path, "."))
		}
		p.pos++
		p.skipBlank(false)
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		table, err := descend(cur, path[:len(path)-1])
		if err != nil {
			return nil, p.errorf("key %q: %v", strings.Join(path, "."), err)
		}
		last := path[len(path)-1]
		if _, dup := table[last]; dup {
			return nil, p.errorf("key %q defined twice", strings.Join(path, "."))
		}
		table[last] = val
		if err := p.endOfLine(); err != nil {
			return nil, err
		}
	}
}

// descend walks (creating as needed) nested tables below t.
func descend(t map[string]any, path []string) (map[string]any, error) {
	for _, k := range path {
		next, ok := t[k]
		if !ok {
			m := map[string]any{}
			t[k] = m
			t = m
			continue
		}
		m, ok := next.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q is a value, not a table", k)
		}
		t = m
	}
	return t, nil
}

type tomlParser struct {
	src  string
	pos  int
	line int
}

func (p *tomlParser) eof() bool  { return p.pos >= len(p.src) }
func (p *tomlParser) peek() byte { return p.src[p.pos] }

func (p *tomlParser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", p.line, fmt.Sprintf(format, args...))
}

// skipBlank skips spaces, tabs and comments, and newlines too if newlines is
// set.
func (p *tomlParser) skipBlank(newlines bool) {
	for !p.eof() {
		switch c := p.peek(); {
		case c == ' ' || c == '\t':
			p.pos++
		case c == '#':
			for !p.eof() && p.peek() != '\n' {
				p.pos++
			}
		case newlines && (c == '\n' || c == '\r'):
			if c == '\n' {
				p.line++
			}
			p.pos++
		default:
			return
		}
	}
}

// endOfLine consumes trailing blanks and a comment and requires a newline or
// the end of the input.
func (p *tomlParser) endOfLine() error {
	p.skipBlank(false)
	if p.eof() {
		return nil
	}
	if strings.HasPrefix(p.src[p.pos:], "\r\n") {
		p.pos++
	}
	if p.peek() != '\n' {
		return p.errorf("unexpected %q after value", p.peek())
	}
	p.pos++
	p.line++
	return nil
}

func isBareKeyChar(c byte) bool {
	return c == '_' || c == '-' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// keyPath reads a possibly dotted key of bare or quoted parts.
func (p *tomlParser) keyPath() ([]string, error) {
	var path []string
	for {
		p.skipBlank(false)
		if p.eof() {
			return nil, p.errorf("expected key")
		}
		var part string
		switch c := p.peek(); {
		case c == '"':
			s, err := p.basicString()
			if err != nil {
				return nil, err
			}
			part = s
		case c == '\'':
			s, err := p.literalString()
			if err != nil {
				return nil, err
			}
			part = s
		case isBareKeyChar(c):
			start := p.pos
			for !p.eof() && isBareKeyChar(p.peek()) {
				p.pos++
			}
			part = p.src[start:p.pos]
		default:
			return nil, p.errorf("unexpected %q in key", c)
		}
		path = append(path, part)
		p.skipBlank(false)
		if p.eof() || p.peek() != '.' {
			return path, nil
		}
		p.pos++
	}
}

func (p *tomlParser) value() (any, error) {
	if p.eof() {
		return nil, p.errorf("expected value")
	}
	switch c := p.peek(); c {
	case '"':
		return p.basicString()
	case '\'':
		return p.literalString()
	case '[':
		return p.array()
	case '{':
		return nil, p.errorf("inline tables are not supported")
	}
	start := p.pos
	for !p.eof() {
		c := p.peek()
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ']' || c == '#' {
			break
		}
		p.pos++
	}
	tok := p.src[start:p.pos]
	switch tok {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "":
		return nil, p.errorf("expected value")
	}
	return p.number(tok)
}

func (p *tomlParser) number(tok string) (any, error) {
	digits := strings.ReplaceAll(tok, "_", "")
	unsigned := strings.TrimLeft(digits, "+-")
	isFloat := !strings.HasPrefix(unsigned, "0x") && !strings.HasPrefix(unsigned, "0o") &&
		!strings.HasPrefix(unsigned, "0b") && strings.ContainsAny(unsigned, ".eE")
	if isFloat || unsigned == "inf" || unsigned == "nan" {
		f, err := strconv.ParseFloat(digits, 64)
		if err != nil {
			return nil, p.errorf("bad number %q", tok)
		}
		return f, nil
	}
	if len(unsigned) > 1 && unsigned[0] == '0' && unsigned[1] >= '0' && unsigned[1] <= '9' {
		return nil, p.errorf("bad number %q (leading zero)", tok)
	}
	n, err := strconv.ParseInt(digits, 0, 64)
	if err != nil {
		return nil, p.errorf("bad value %q", tok)
	}
	return n, nil
}

func (p *tomlParser) array() ([]any, error) {
	p.pos++ // [
	out := []any{}
	for {
		p.skipBlank(true)
		if p.eof() {
			return nil, p.errorf("unterminated array")
		}
		if p.peek() == ']' {
			p.pos++
			return out, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.skipBlank(true)
		if p.eof() {
			return nil, p.errorf("unterminated array")
		}
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return out, nil
		default:
			return nil, p.errorf("expected , or ] in array")
		}
	}
}

func (p *tomlParser) literalString() (string, error) {
	if strings.HasPrefix(p.src[p.pos:], "'''") {
		return "", p.errorf("multi-line strings are not supported")
	}
	p.pos++
	end := strings.IndexAny(p.src[p.pos:], "'\n")
	if end < 0 || p.src[p.pos+end] != '\'' {
		return "", p.errorf("unterminated string")
	}
	s := p.src[p.pos : p.pos+end]
	p.pos += end + 1
	return s, nil
}

// basicString reads a "..." string. Besides TOML's escapes it accepts \' and
// \/ because CometBFT renders paths with text/template's js escaper.
func (p *tomlParser) basicString() (string, error) {
	if strings.HasPrefix(p.src[p.pos:], `"""`) {
		return "", p.errorf("multi-line strings are not supported")
	}
	p.pos++
	var b strings.Builder
	for {
		if p.eof() || p.peek() == '\n' {
			return "", p.errorf("unterminated string")
		}
		c := p.peek()
		p.pos++
		switch c {
		case '"':
			return b.String(), nil
		case '\\':
			if p.eof() {
				return "", p.errorf("unterminated string")
			}
			e := p.peek()
			p.pos++
			switch e {
			case 'b':
				b.WriteByte('\b')
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'f':
				b.WriteByte('\f')
			case 'r':
				b.WriteByte('\r')
			case '"', '\\', '\'', '/':
				b.WriteByte(e)
			case 'u', 'U':
				n := 4
				if e == 'U' {
					n = 8
				}
				if p.pos+n > len(p.src) {
					return "", p.errorf("short \\%c escape", e)
				}
				r, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
				if err != nil || !utf8.ValidRune(rune(r)) {
					return "", p.errorf("bad \\%c escape", e)
				}
				p.pos += n
				b.WriteRune(rune(r))
			default:
				return "", p.errorf("bad escape \\%c", e)
			}
		default:
			b.WriteByte(c)
		}
	}
}
