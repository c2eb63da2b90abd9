package mirror

import (
	"embed"
	"fmt"
	"strings"
	"text/template"
)

// The statements are SQL templates (sql/*.sql.tmpl), one shape for every
// table, filled in from the table's columns by the functions below.
//
//go:embed sql/*.sql.tmpl
var sqlFiles embed.FS

var sqlTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	// Placeholders; the real functions are bound per table in render.
	"keyEq": nop, "keyParam": nop, "gidOf": nop, "cols": nop, "keys": nop,
	"changed": nop, "notOlder": nop, "older": nop, "newerThan": nop, "notNewerThan": nop,
	"insertValues": nop, "updates": nop, "image": nop, "tombKeys": nop, "newer": nop, "keptFrom": nop, "mirrorUpdated": nop,
}).ParseFS(sqlFiles, "sql/*.sql.tmpl"))

func nop(...string) string { return "" }

// sqlData is what a template is filled with.
type sqlData struct {
	Table     string
	Resource  string
	Source    string // the relation holding incoming rows
	PerRow    bool   // merge: report each row instead of counts
	Timed     bool
	ParentCol string // tombstone_children
	KeepCol   string
}

// render fills template name for table t.
func (t *table) render(name string, d sqlData) string {
	d.Table, d.Resource, d.Timed = t.name, string(t.resource), t.timed
	tmpl := template.Must(sqlTemplates.Clone()).Funcs(t.sqlFuncs())
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, name, d); err != nil {
		panic(fmt.Sprintf("mirror: render %s for %s: %v", name, t.name, err))
	}
	return b.String()
}

func (t *table) sqlFuncs() template.FuncMap {
	isKey := func(c string) bool {
		for _, k := range t.keys {
			if k == c {
				return true
			}
		}
		return false
	}
	return template.FuncMap{
		"keyEq": func(a, b string) string {
			parts := make([]string, len(t.keys))
			for i, k := range t.keys {
				parts[i] = a + "." + k + " = " + b + "." + k
			}
			return strings.Join(parts, " AND ")
		},
		"keyParam": func(a, p string) string {
			if len(t.keys) == 1 {
				return a + "." + t.keys[0] + " = " + p
			}
			return fmt.Sprintf("%s.%s = split_part(%s, ' ', 1) AND %s.%s = split_part(%s, ' ', 2)",
				a, t.keys[0], p, a, t.keys[1], p)
		},
		"gidOf": func(a string) string { return gidOf(t, a) },
		"keys":  func() string { return strings.Join(t.keys, ", ") },
		"cols": func(prefix string) string {
			names := t.colNames()
			for i := range names {
				names[i] = prefix + names[i]
			}
			return strings.Join(names, ", ")
		},
		"changed": func(a, b string) string {
			parts := []string{a + ".deleted_at IS NOT NULL"}
			if t.hashed {
				parts = append(parts, a+".content_hash <> "+b+".content_hash")
			}
			for _, c := range t.cols {
				if c.kind == partial {
					parts = append(parts, fmt.Sprintf("(%[2]s.%[3]s IS NOT NULL AND %[2]s.%[3]s IS DISTINCT FROM %[1]s.%[3]s)", a, b, c.name))
				}
			}
			return strings.Join(parts, " OR ")
		},
		"notOlder": func(a, b string) string {
			if !t.timed {
				return "true"
			}
			return fmt.Sprintf("(%[1]s.updated_at IS NULL OR %[2]s.updated_at IS NULL OR %[2]s.updated_at >= %[1]s.updated_at)", a, b)
		},
		// newer: b's updated_at is later than a's (or a has none).
		"newer": func(a, b string) string {
			if !t.timed {
				return "false"
			}
			return fmt.Sprintf("(%[2]s.updated_at > %[1]s.updated_at OR (%[1]s.updated_at IS NULL AND %[2]s.updated_at IS NOT NULL))", a, b)
		},
		// keptFrom: the row was written after $3 (a snapshot's start) and its
		// table has no updated_at to say whether the snapshot's row is older.
		"keptFrom": func(a string) string {
			if t.timed {
				return "($3::timestamptz IS NOT NULL AND false)"
			}
			return "($3::timestamptz IS NOT NULL AND " + a + ".synced_at >= $3::timestamptz)"
		},
		"mirrorUpdated": func(a string) string {
			if !t.timed {
				return "NULL::timestamptz"
			}
			return a + ".updated_at"
		},
		// tombKeys: the GIDs whose mirror_tombstones row refuses a's insert:
		// its own and its parents'.
		"tombKeys": func(a string) []string {
			out := []string{gidOf(t, a)}
			for _, c := range t.parents() {
				out = append(out, a+"."+c.parentCol)
			}
			return out
		},
		"older": func(a, b string) string {
			if !t.timed {
				return "false"
			}
			return a + ".updated_at > " + b + ".updated_at"
		},
		// newerThan and notNewerThan compare a row with a parameter; an
		// untimed table still mentions it, as PostgreSQL must see every
		// parameter to know its type.
		"newerThan": func(a, p string) string {
			if !t.timed {
				return "(" + p + " IS NOT NULL AND false)"
			}
			return a + ".updated_at > " + p
		},
		"notNewerThan": func(a, p string) string {
			if !t.timed {
				return "(" + p + " IS NULL OR true)"
			}
			return fmt.Sprintf("(%[1]s.updated_at IS NULL OR %[2]s IS NULL OR %[1]s.updated_at <= %[2]s)", a, p)
		},
		"insertValues": func(a string) string {
			out := make([]string, len(t.cols))
			for i, c := range t.cols {
				out[i] = a + "." + c.name
				if c.name == "raw" {
					out[i] += "::jsonb" // a no-op, but for staging an older version left as text
				}
				if c.kind == partial && c.insert != "" {
					out[i] = "COALESCE(" + out[i] + ", " + c.insert + ")"
				}
			}
			return strings.Join(out, ", ")
		},
		"updates": func(src string) string {
			var out []string
			for _, c := range t.cols {
				switch {
				case isKey(c.name):
				case c.name == "raw":
					// A webhook's raw has fewer fields than a GraphQL read's:
					// merge, so the fields it lacks are kept.
					out = append(out, "raw = t.raw || "+src+".raw::jsonb")
				case c.kind == partial || c.name == "updated_at":
					out = append(out, fmt.Sprintf("%[1]s = COALESCE(%[2]s.%[1]s, t.%[1]s)", c.name, src))
				default:
					out = append(out, fmt.Sprintf("%[1]s = %[2]s.%[1]s", c.name, src))
				}
			}
			return strings.Join(out, ",\n        ")
		},
		"image": func(a string) string {
			out := []string{a + ".store"}
			for _, c := range t.imageCols() {
				out = append(out, a+"."+c)
			}
			return strings.Join(out, ", ")
		},
	}
}

// gidOf is the SQL expression of a row's GID in relation a: the key, or
// for a pair key its two GIDs separated by a space.
func gidOf(t *table, a string) string {
	if len(t.keys) == 1 {
		return a + "." + t.keys[0]
	}
	return "(" + a + "." + t.keys[0] + " || ' ' || " + a + "." + t.keys[1] + ")"
}

// parents lists the relations in which t's rows are the children.
func (t *table) parents() []childRef {
	var out []childRef
	for _, p := range tableOrder {
		for _, c := range p.children {
			if c.table == t {
				out = append(out, c)
			}
		}
	}
	return out
}

// imageCols are the columns of a change row's before and after images after
// store: every column but raw and content_hash.
func (t *table) imageCols() []string {
	var out []string
	for _, c := range t.cols {
		if c.name != "raw" && c.name != "content_hash" {
			out = append(out, c.name)
		}
	}
	return append(out, "version", "synced_at", "deleted_at")
}

// applySource is the relation an Apply merges from: its rows as a JSON
// array in $4, typed by the table's own row type.
func (t *table) applySource() string {
	return "jsonb_populate_recordset(NULL::" + t.name + ", $4::jsonb)"
}
