package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// position is where a key is in the file.
type position struct{ line, column int }

// positions knows where each field path is in the parsed file (by its key's
// position), and which path a key or value at a given position belongs to.
type positions struct {
	byPath map[string]position
	byPos  map[position]string
	// refused is the first YAML construct the file has no use for: an
	// explicit tag (!!map, !foo), which the YAML library mishandles in
	// places, or a second document, which it would silently ignore.
	refused *YAMLError
	// secrets are the values of secrets written inline (token: ...), kept
	// only while parsing, to be scrubbed from the YAML library's messages.
	secrets []string
}

// maxWalkDepth bounds the walk over deeply nested (hostile) documents; the
// configuration itself is five levels deep.
const maxWalkDepth = 32

// findPositions parses src and records the position of every key. A file
// that does not parse yields no positions (the decoder reports the error).
func findPositions(src []byte) positions {
	p := positions{byPath: map[string]position{}, byPos: map[position]string{}}
	f, err := parser.ParseBytes(src, 0)
	if err != nil || f == nil || len(f.Docs) == 0 || f.Docs[0] == nil {
		return p
	}
	p.walk(f.Docs[0].Body, "", 0)
	for _, d := range f.Docs[1:] {
		if d != nil && d.Body != nil && p.refused == nil {
			pos := at(d.Body.GetToken())
			p.refused = &YAMLError{Line: max(pos.line, 1), Column: max(pos.column, 1),
				Msg: "a second YAML document: the configuration is one document"}
		}
	}
	return p
}

func (p *positions) walk(n ast.Node, path string, depth int) {
	if n == nil || depth > maxWalkDepth {
		return
	}
	switch n := n.(type) {
	case *ast.MappingNode:
		for _, mv := range n.Values {
			p.walkPair(mv, path, depth)
		}
	case *ast.MappingValueNode:
		p.walkPair(n, path, depth)
	case *ast.SequenceNode:
		for i, v := range n.Values {
			p.record(v, index(path, i))
			p.walk(v, index(path, i), depth+1)
		}
	case *ast.AnchorNode:
		p.walk(n.Value, path, depth+1)
	case *ast.TagNode:
		if p.refused == nil {
			p.refused = &YAMLError{Line: max(at(n.Start).line, 1), Column: max(at(n.Start).column, 1), Path: path,
				Msg: fmt.Sprintf("YAML tags such as %s are not used in this file: write the value alone", n.Start.Value)}
		}
		p.walk(n.Value, path, depth+1)
	}
}

func (p *positions) walkPair(mv *ast.MappingValueNode, parent string, depth int) {
	if mv == nil || mv.Key == nil {
		return
	}
	key := mv.Key.GetToken()
	if key == nil {
		return
	}
	path := child(parent, key.Value)
	p.record(mv.Key, path)
	if _, ok := p.byPath[path]; !ok {
		p.byPath[path] = at(key)
	}
	if mv.Value != nil {
		p.record(mv.Value, path)
		p.walk(mv.Value, path, depth+1)
		if isLiteralSecretPath(path) {
			collectScalars(mv.Value, &p.secrets, 0)
		}
	}
}

// collectScalars appends the text of every scalar under n.
func collectScalars(n ast.Node, out *[]string, depth int) {
	if n == nil || depth > maxWalkDepth {
		return
	}
	switch n := n.(type) {
	case *ast.MappingNode:
		for _, mv := range n.Values {
			collectScalars(mv, out, depth+1)
		}
	case *ast.MappingValueNode:
		collectScalars(n.Key, out, depth+1)
		collectScalars(n.Value, out, depth+1)
	case *ast.SequenceNode:
		for _, v := range n.Values {
			collectScalars(v, out, depth+1)
		}
	case *ast.TagNode:
		collectScalars(n.Value, out, depth+1)
	case *ast.AnchorNode:
		collectScalars(n.Value, out, depth+1)
	default:
		if tk := n.GetToken(); tk != nil && strings.TrimSpace(tk.Value) != "" {
			*out = append(*out, tk.Value)
		}
	}
}

// scrub replaces the inline secrets' text in a message.
func (p positions) scrub(msg string) string {
	for _, s := range p.secrets {
		msg = strings.ReplaceAll(msg, s, redacted)
	}
	return msg
}

func (p *positions) record(n ast.Node, path string) {
	if n == nil {
		return
	}
	if tk := n.GetToken(); tk != nil {
		if _, ok := p.byPos[at(tk)]; !ok {
			p.byPos[at(tk)] = path
		}
		if strings.HasSuffix(path, "]") {
			if _, ok := p.byPath[path]; !ok {
				p.byPath[path] = at(tk) // list elements have no key
			}
		}
	}
}

func at(tk *token.Token) position {
	if tk == nil || tk.Position == nil {
		return position{}
	}
	return position{tk.Position.Line, tk.Position.Column}
}

// line is the line of path, or of its nearest ancestor in the file; 0 if
// none is known.
func (p positions) line(path string) int {
	if p.byPath == nil {
		return 0
	}
	prefixes := pathPrefixes(path)
	for i := len(prefixes) - 1; i >= 0; i-- {
		if pos, ok := p.byPath[prefixes[i]]; ok {
			return pos.line
		}
	}
	return 0
}

// pathAt is the path of the key or value at the token's position, if known.
func (p positions) pathAt(tk *token.Token) string {
	if p.byPos == nil || tk == nil {
		return ""
	}
	return p.byPos[at(tk)]
}

// pathPrefixes splits a path as child and index build it into its prefixes:
// a.b[0]["x y"] gives a, a.b, a.b[0], a.b[0]["x y"].
func pathPrefixes(path string) []string {
	var out []string
	for i := 0; i < len(path); {
		switch {
		case strings.HasPrefix(path[i:], `["`):
			q, err := strconv.QuotedPrefix(path[i+1:])
			if err != nil {
				return append(out, path)
			}
			i += 1 + len(q) + 1 // [ quoted ]
		case path[i] == '[':
			j := strings.IndexByte(path[i:], ']')
			if j < 0 {
				return append(out, path)
			}
			i += j + 1
		default:
			if path[i] == '.' {
				i++
			}
			j := strings.IndexAny(path[i:], ".[")
			if j < 0 {
				i = len(path)
			} else {
				i += j
			}
		}
		out = append(out, path[:i])
	}
	return out
}
