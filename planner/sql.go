package planner

import (
	"bytes"
	"embed"
	"fmt"
	"sync"
	"text/template"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

var sqlTemplates = template.Must(template.New("").Option("missingkey=error").ParseFS(sqlFiles, "sql/*.sql"))

// sqlShape is what a planner query's text depends on.
type sqlShape struct {
	Match  string // the link's match key: handle, sku or barcode
	Scoped bool   // restricted to a set of product keys
}

// ProductKey is the products column a product's plan key comes from.
func (s sqlShape) ProductKey() string {
	if s.Match == "handle" {
		return "handle"
	}
	return "gid"
}

type sqlKey struct {
	file  string
	shape sqlShape
}

var sqlCache sync.Map // sqlKey -> string

// query renders sql/<file> for a shape. The texts are fixed per shape, so
// pgx prepares each once per connection, and the scoped and full shapes keep
// separate plans: index lookups for a few keys, hash joins for everything.
func query(file string, shape sqlShape) string {
	k := sqlKey{file, shape}
	if q, ok := sqlCache.Load(k); ok {
		return q.(string)
	}
	var b bytes.Buffer
	if err := sqlTemplates.ExecuteTemplate(&b, file, shape); err != nil {
		// The templates and shapes are fixed at build time; a test renders
		// every combination.
		panic(fmt.Sprintf("planner: render %s: %v", file, err))
	}
	q := b.String()
	sqlCache.Store(k, q)
	return q
}
