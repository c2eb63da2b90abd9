package planner

// Render exposes the SQL templates to the tests.
func Render(file, match string, scoped bool) string {
	return query(file, sqlShape{Match: match, Scoped: scoped})
}

// ScopedKeysPerRun exposes how many keys one scoped statement plans at most.
const ScopedKeysPerRun = scopedKeysPerRun
