package planner

// Render exposes the SQL templates to the tests.
func Render(file, match string, scoped bool) string {
	return query(file, sqlShape{Match: match, Scoped: scoped})
}

// ScopedKeysPerRun exposes how many keys one scoped statement plans at most.
const ScopedKeysPerRun = scopedKeysPerRun

// FullRunSettings exposes the settings of a full run's transaction.
func FullRunSettings() [][2]string { return fullRunSettings("256MB") }

// ScopedWriteSettings exposes the settings of a scoped run's writes.
func ScopedWriteSettings() [][2]string { return scopedWriteSettings() }
