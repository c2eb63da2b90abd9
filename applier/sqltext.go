package applier

import (
	"embed"
	"fmt"
)

// The applier's longer statements live in sql/, one per file.
//
//go:embed sql/*.sql
var sqlFiles embed.FS

// sqlText returns the statement in sql/name; a missing file is a bug.
func sqlText(name string) string {
	b, err := sqlFiles.ReadFile("sql/" + name)
	if err != nil {
		panic(fmt.Sprintf("applier: no statement sql/%s", name))
	}
	return string(b)
}
