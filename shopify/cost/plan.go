package cost

import "strings"

// Plan is a shop plan's GraphQL Admin API budget: the bucket holds Capacity
// points and refills at RestoreRate points per second (FACTS.md §3.1).
type Plan struct {
	Name        string
	RestoreRate float64
	Capacity    float64
}

// Plan presets. Shopify's documented restore rates; the capacities are the
// maximumAvailable values seen in real responses (20 × the restore rate).
var (
	Standard = Plan{Name: "STANDARD", RestoreRate: 100, Capacity: 2000}
	Advanced = Plan{Name: "ADVANCED", RestoreRate: 200, Capacity: 4000}
	Plus     = Plan{Name: "PLUS", RestoreRate: 1000, Capacity: 20000}
	// Enterprise's capacity is UNVERIFIED: it follows the 20× pattern.
	Enterprise = Plan{Name: "ENTERPRISE", RestoreRate: 2000, Capacity: 40000}
)

// Plans lists the presets from the smallest budget to the largest.
var Plans = []Plan{Standard, Advanced, Plus, Enterprise}

// PlanByName returns the preset with that name, case-insensitively.
func PlanByName(name string) (Plan, bool) {
	for _, p := range Plans {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Plan{}, false
}

// MaxQueryCost is the largest requested cost Shopify accepts for one query on
// every plan; above it the answer is MAX_COST_EXCEEDED.
const MaxQueryCost = 1000
