// Package adminapi holds shopsync's own SDL subset of the Shopify Admin GraphQL
// API, version 2026-01, and loads it once for everyone who needs it: the
// genqlient client is generated from it, and fakeshop validates and executes
// requests against it.
//
// The subset is written in this package (the *.graphql files), not copied from
// Shopify's schema: names, types, arguments, input fields and enum values match
// 2026-01 exactly, which subset_test.go checks against the full schema whenever
// it is present beside the repository. Keeping a subset means a request that
// uses a field shopsync never meant to depend on fails validation in fakeshop,
// so the emulator cannot silently pretend to support more than it does.
package adminapi

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Version is the Admin API version the subset describes and fakeshop answers as.
const Version = "2026-01"

//go:embed *.graphql
var sdlFiles embed.FS

// CustomScalars are the non-built-in scalars of the subset. Shopify sends all
// of them as JSON strings (Money "19.99", UnsignedInt64 "4", DateTime
// "2026-01-02T03:04:05Z"), except JSON, which is any JSON value.
var CustomScalars = []string{"DateTime", "Decimal", "HTML", "JSON", "Money", "URL", "UnsignedInt64"}

var (
	loadOnce sync.Once
	schema   *ast.Schema
	loadErr  error
)

// Schema returns the parsed and validated subset. It is loaded once per process;
// a broken subset is a programming error caught by this package's tests, so
// Schema panics rather than making every caller handle an impossible error.
func Schema() *ast.Schema {
	loadOnce.Do(func() { schema, loadErr = load() })
	if loadErr != nil {
		panic(fmt.Errorf("adminapi: loading the embedded schema subset: %w", loadErr))
	}
	return schema
}

// Sources returns the SDL files of the subset, by name, in a stable order, for
// tools that need the text (genqlient's schema setting reads files instead).
func Sources() ([]*ast.Source, error) {
	names, err := fs.Glob(sdlFiles, "*.graphql")
	if err != nil {
		return nil, fmt.Errorf("adminapi: listing SDL files: %w", err)
	}
	sort.Strings(names)
	out := make([]*ast.Source, 0, len(names))
	for _, n := range names {
		b, err := sdlFiles.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("adminapi: reading %s: %w", n, err)
		}
		out = append(out, &ast.Source{Name: n, Input: string(b)})
	}
	return out, nil
}

func load() (*ast.Schema, error) {
	srcs, err := Sources()
	if err != nil {
		return nil, err
	}
	s, err := gqlparser.LoadSchema(srcs...)
	if err != nil {
		return nil, fmt.Errorf("adminapi: %w", err)
	}
	return s, nil
}
