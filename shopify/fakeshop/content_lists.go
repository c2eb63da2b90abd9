package fakeshop

import "slices"

// The Go API's reads of the content a Shop holds, for tests and the demo
// that check what a sync left in a store. Records are immutable: callers
// may keep them.

// Collections returns every collection in id order.
func (s *Shop) Collections() []*Collection {
	var out []*Collection
	s.read(func(st *store) { out = st.collections.all() })
	return out
}

// CollectionProductIDs returns the ids of a collection's members (the
// manual list, or what a smart collection's rules match now), or nil when
// there is no such collection.
func (s *Shop) CollectionProductIDs(id int64) []int64 {
	var out []int64
	s.read(func(st *store) {
		c := st.collections.get(id)
		if c == nil {
			return
		}
		out = []int64{}
		for _, p := range st.collectionProducts(c) {
			out = append(out, p.ID)
		}
	})
	slices.Sort(out)
	return out
}

// Pages returns every page in id order.
func (s *Shop) Pages() []*Page {
	var out []*Page
	s.read(func(st *store) { out = st.pages.all() })
	return out
}

// Blogs returns every blog in id order.
func (s *Shop) Blogs() []*Blog {
	var out []*Blog
	s.read(func(st *store) { out = st.blogs.all() })
	return out
}

// Articles returns every article of every blog in id order.
func (s *Shop) Articles() []*Article {
	var out []*Article
	s.read(func(st *store) { out = st.articles.all() })
	return out
}
