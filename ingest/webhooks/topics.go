package webhooks

// TopicInfo is what shopsync knows about a webhook topic it subscribes to.
type TopicInfo struct {
	// Family is the mirror's resource family the payload belongs to
	// (products, inventory, collections, orders), the same names as the
	// ingest runs' and the Kafka topics'; empty for topics that change no
	// mirror table (app/uninstalled, bulk_operations/finish).
	Family string
	// Tombstone is true for topics whose payload says the resource is gone
	// (products/delete, inventory_levels/disconnect, ...): the mirror marks
	// the row deleted instead of upserting it. Their payloads carry little
	// more than the id (FACTS.md §2.5).
	Tombstone bool
}

// Topics are the webhook topics shopsync subscribes to (Admin API 2026-01,
// FACTS.md §2.4). A verified delivery of any other topic is acknowledged and
// stored as ignored. The keys are X-Shopify-Topic values; note orders/updated
// with a d but products/update without.
var Topics = map[string]TopicInfo{
	"products/create": {Family: "products"},
	"products/update": {Family: "products"},
	"products/delete": {Family: "products", Tombstone: true},

	"inventory_items/create":      {Family: "inventory"},
	"inventory_items/update":      {Family: "inventory"},
	"inventory_items/delete":      {Family: "inventory", Tombstone: true},
	"inventory_levels/update":     {Family: "inventory"},
	"inventory_levels/connect":    {Family: "inventory"},
	"inventory_levels/disconnect": {Family: "inventory", Tombstone: true},
	"locations/create":            {Family: "inventory"},
	"locations/update":            {Family: "inventory"},
	"locations/delete":            {Family: "inventory", Tombstone: true},

	"collections/create": {Family: "collections"},
	"collections/update": {Family: "collections"},
	"collections/delete": {Family: "collections", Tombstone: true},

	"orders/create":    {Family: "orders"},
	"orders/updated":   {Family: "orders"},
	"orders/paid":      {Family: "orders"},
	"orders/cancelled": {Family: "orders"},
	"orders/delete":    {Family: "orders", Tombstone: true},

	"app/uninstalled":        {},
	"bulk_operations/finish": {},
}

// LookupTopic reports what shopsync knows about topic, and whether it is one
// shopsync subscribes to.
func LookupTopic(topic string) (TopicInfo, bool) {
	info, ok := Topics[topic]
	return info, ok
}

// otherTopic is the metrics' topic label for every topic not in Topics, so
// that a sender cannot grow the label set.
const otherTopic = "other"

// topicLabel is topic as a metric label value: itself when known, otherTopic
// otherwise.
func topicLabel(topic string) string {
	if _, ok := Topics[topic]; ok {
		return topic
	}
	return otherTopic
}
