package planner

import (
	"encoding/json"
	"time"
)

// Result is what one plan run did.
type Result struct {
	RunID    string        `json:"run_id"`
	Kind     string        `json:"kind"` // KindFull, KindKeys or KindContent
	DryRun   bool          `json:"dry_run"`
	Duration time.Duration `json:"duration_ns"`
	Links    []LinkResult  `json:"links"`
}

// LinkResult is what a run did for one link.
type LinkResult struct {
	Link
	// Planned counts the deltas the run computed, by operation: everything
	// the destination lacks now, whether or not already pending.
	Planned map[string]int `json:"planned"`
	// Inserted counts the new pending deltas by operation (0 for a dry run).
	Inserted map[string]int `json:"inserted"`
	// Superseded counts the pending deltas replaced or no longer needed.
	Superseded int `json:"superseded"`
	// ConflictCount is how many conflicts the run found.
	ConflictCount int `json:"conflict_count"`
	// Deltas and Conflicts are filled for a dry run, or with Options.Collect.
	Deltas    []Delta    `json:"deltas,omitempty"`
	Conflicts []Conflict `json:"conflicts,omitempty"`

	recorded int // pairs the run recorded in id_map
}

// Delta is one computed change, as it is (or would be) in plan_deltas.
type Delta struct {
	Resource       string          `json:"resource"`
	Operation      string          `json:"operation"`
	Key            string          `json:"key"`
	SourceGID      *string         `json:"source_gid"`
	TargetGID      *string         `json:"target_gid"`
	Desired        json.RawMessage `json:"desired"`
	PlannedVersion *int64          `json:"planned_version"`
	Reason         string          `json:"reason"`
	// Pending is true when the same delta is pending already: the run
	// leaves it as it is.
	Pending bool `json:"pending"`
}

// Conflict is one ambiguity the run refused to guess about.
type Conflict struct {
	Resource string   `json:"resource"`
	Side     string   `json:"side"`
	Reason   string   `json:"reason"`
	Key      string   `json:"key"`
	GIDs     []string `json:"gids"`
	Blocked  []string `json:"blocked"`
}

// Total sums counts.
func Total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}
