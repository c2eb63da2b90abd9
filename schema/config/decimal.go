package config

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Decimal is an exact decimal number as written in the file ("12.5", "0.99").
// YAML would read 0.1 as a float; Decimal keeps the text so that no binary
// rounding creeps into prices. Validate checks it is a number.
type Decimal string

var decimalSyntax = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]+)?|\.[0-9]+)$`)

// UnmarshalYAML takes a scalar's text, quoted or not.
func (d *Decimal) UnmarshalYAML(n ast.Node) error {
	if _, ok := n.(*ast.NullNode); ok {
		return nil // "key:" with no value keeps the default
	}
	s, err := scalarText(n, "a number")
	if err != nil {
		return err
	}
	*d = Decimal(strings.TrimSpace(s))
	return nil
}

// rat parses d; ok is false if it is not a plain decimal number.
func (d Decimal) rat() (*big.Rat, bool) {
	if !decimalSyntax.MatchString(string(d)) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(string(d))
	return r, ok
}

// scale is the number of digits after the decimal point.
func (d Decimal) scale() int {
	if i := strings.IndexByte(string(d), '.'); i >= 0 {
		return len(d) - i - 1
	}
	return 0
}

// scalarText is the text of a scalar node; a list or a mapping is an error
// at the node's position.
func scalarText(n ast.Node, want string) (string, error) {
	switch n := n.(type) {
	case *ast.TagNode:
		return scalarText(n.Value, want)
	case *ast.AnchorNode:
		return scalarText(n.Value, want)
	case *ast.NullNode:
		return "", nil
	case ast.ScalarNode:
		if s, ok := n.GetValue().(string); ok {
			return s, nil // quoted or plain strings, without the quotes
		}
		if tk := n.GetToken(); tk != nil {
			return tk.Value, nil // numbers as written, not as parsed
		}
	}
	return "", nodeError(n, fmt.Sprintf("expected %s", want))
}

// nodeError is a YAMLError at a node; the decoder returns errors from
// UnmarshalYAML as they are, without a position.
func nodeError(n ast.Node, msg string) error {
	e := &YAMLError{Msg: msg}
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
	}
	return e
}

// LiteralSecret records that the file wrote a secret inline (token:,
// webhook_secret:), which Validate refuses. The value is dropped as soon as it
// is read, so it cannot reach an error or a log.
type LiteralSecret struct {
	Present bool
}

// UnmarshalYAML notes the key's presence and forgets its value.
func (l *LiteralSecret) UnmarshalYAML(ast.Node) error {
	l.Present = true
	return nil
}
