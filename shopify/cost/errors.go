package cost

import (
	"errors"
	"fmt"
)

// MissingPageSizeError reports a connection selected without first or last.
// Shopify refuses such a query, so a server reports it as a validation error.
type MissingPageSizeError struct {
	// Path is the dotted response path of the connection, e.g. "products" or
	// "products.edges.node.variants".
	Path string
}

func (e *MissingPageSizeError) Error() string {
	return fmt.Sprintf("connection %s: you must provide one of first or last", e.Path)
}

// ErrNotValidated is returned for an operation whose fields carry no schema
// definitions: the calculator needs the document gqlparser's validator has
// annotated (gqlparser.LoadQuery or validator.Validate).
var ErrNotValidated = errors.New("cost: operation was not validated against the schema")
