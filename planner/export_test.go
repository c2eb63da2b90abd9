package planner

// Render exposes the SQL templates to the tests.
func Render(file, match string, scoped bool) string {
	return query(file, sqlShape{Match: match, Scoped: scoped})
}
