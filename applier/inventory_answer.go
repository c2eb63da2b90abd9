package applier

import "time"

// adjustmentAnswer is the payload inventorySetQuantities and
// inventoryAdjustQuantities answer: the adjustment group they made (the
// quantities after it, per level and name) or userErrors.
type adjustmentAnswer struct {
	Group *struct {
		CreatedAt string `json:"createdAt"`
		Changes   []struct {
			Name     string `json:"name"`
			After    *int   `json:"quantityAfterChange"`
			Item     struct{ ID string }
			Location struct{ ID string }
		} `json:"changes"`
	} `json:"inventoryAdjustmentGroup"`
	UserErrors []userError `json:"userErrors"`
}

// levelPatches is what the group says each level it changed holds after it
// (available and on_hand) by levelKey, and when; Group must not be nil.
func (a *adjustmentAnswer) levelPatches() (map[string]*levelPatch, *time.Time) {
	patches := map[string]*levelPatch{}
	at := parseTime(a.Group.CreatedAt)
	for _, ch := range a.Group.Changes {
		k := levelKey(ch.Item.ID, ch.Location.ID)
		lp := patches[k]
		if lp == nil {
			lp = &levelPatch{item: ch.Item.ID, location: ch.Location.ID, at: at}
			patches[k] = lp
		}
		switch ch.Name {
		case "available":
			lp.available = ch.After
		case "on_hand":
			lp.onHand = ch.After
		}
	}
	return patches, at
}
