package fakeshop

import "time"

// Webhook topic strings of the changes a Shop emits (FACTS.md §2.4). Note the
// spelling difference Shopify has: orders/updated but products/update.
const (
	TopicProductsCreate            = "products/create"
	TopicProductsUpdate            = "products/update"
	TopicProductsDelete            = "products/delete"
	TopicInventoryItemsCreate      = "inventory_items/create"
	TopicInventoryItemsUpdate      = "inventory_items/update"
	TopicInventoryItemsDelete      = "inventory_items/delete"
	TopicInventoryLevelsConnect    = "inventory_levels/connect"
	TopicInventoryLevelsUpdate     = "inventory_levels/update"
	TopicInventoryLevelsDisconnect = "inventory_levels/disconnect"
	TopicLocationsCreate           = "locations/create"
	TopicLocationsUpdate           = "locations/update"
	TopicCollectionsCreate         = "collections/create"
	TopicCollectionsUpdate         = "collections/update"
	TopicCollectionsDelete         = "collections/delete"
	TopicOrdersCreate              = "orders/create"
	TopicOrdersUpdated             = "orders/updated"
	TopicOrdersCancelled           = "orders/cancelled"
	TopicPagesCreate               = "pages/create"
	TopicPagesUpdate               = "pages/update"
	TopicPagesDelete               = "pages/delete"
	TopicBlogsCreate               = "blogs/create"
	TopicBlogsUpdate               = "blogs/update"
	TopicArticlesCreate            = "articles/create"
	TopicArticlesUpdate            = "articles/update"
	TopicArticlesDelete            = "articles/delete"
)

// Change is one resource change, emitted after the change is stored. Resource
// is the record as stored (a *Product, *Variant, *InventoryItem,
// *InventoryLevel, *Location, *Collection, *Page, *Blog, *Article or *Order),
// or the last stored record for a delete. Records are immutable, so a hook may
// keep it. Every Change of one Shop method call shares EventID, the way
// Shopify's X-Shopify-Event-Id ties deliveries of one merchant action together.
type Change struct {
	Shop     *Shop
	Topic    string
	Resource any
	At       time.Time
	EventID  int64
}

// OnChange registers f to be called for every change the shop stores, on the
// goroutine that made it, after the shop's lock is released (so f may read the
// shop, but should hand slow work such as webhook delivery to its own
// goroutine). Hooks run in registration order; changes arrive in the order
// they were made.
func (s *Shop) OnChange(f func(Change)) {
	s.hooksMu.Lock()
	defer s.hooksMu.Unlock()
	s.hooks = append(s.hooks, f)
}

// tx is one write to a shop: the store under the write lock, the time of the
// change, and the changes to announce once the lock is released.
type tx struct {
	*store
	shop    *Shop
	now     time.Time
	changes []Change
}

func (t *tx) emit(topic string, resource any) {
	t.changes = append(t.changes, Change{Shop: t.shop, Topic: topic, Resource: resource, At: t.now})
}

// write runs f under the shop's write lock. If f succeeds, the changes it
// emitted are delivered to the hooks after the lock is released. Every write
// path of a Shop (the Go API, and so every mutation resolver) goes through
// here, which is what makes change events complete.
func (s *Shop) write(f func(t *tx) error) error {
	s.mu.Lock()
	t := &tx{store: s.st, shop: s, now: s.now()}
	err := f(t)
	s.mu.Unlock()
	if err != nil || len(t.changes) == 0 {
		return err
	}
	event := nextID()
	s.hooksMu.RLock()
	hooks := append([]func(Change){}, s.hooks...)
	s.hooksMu.RUnlock()
	for _, c := range t.changes {
		c.EventID = event
		for _, h := range hooks {
			h(c)
		}
	}
	return nil
}
