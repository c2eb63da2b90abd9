package fakeshop

import (
	"slices"
	"strconv"
	"strings"
)

// CollectionInput is what can be set on a collection. ProductIDs seeds a
// manual collection on create; later membership changes go through
// AddProductsToCollection / RemoveProductsFromCollection.
type CollectionInput struct {
	Title           *string
	Handle          *string
	DescriptionHTML *string
	SortOrder       *string
	TemplateSuffix  *string
	SEO             *SEO
	RuleSet         *CollectionRuleSet
	ProductIDs      []int64
}

// CreateCollection stores a manual collection, or a smart one with RuleSet.
func (s *Shop) CreateCollection(in CollectionInput) (*Collection, error) {
	var out *Collection
	err := s.write(func(t *tx) error {
		if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
			return &UserError{Field: []string{"title"}, Message: "Title can't be blank"}
		}
		if in.RuleSet != nil && len(in.ProductIDs) > 0 {
			return &UserError{Field: []string{"products"}, Message: "Can't add products to a smart collection"}
		}
		for i, id := range in.ProductIDs {
			if t.products.get(id) == nil {
				return &UserError{Field: []string{"products", strconv.Itoa(i)}, Message: "Product does not exist"}
			}
		}
		c := &Collection{ID: nextID(), SortOrder: "BEST_SELLING", CreatedAt: t.now, UpdatedAt: t.now}
		if in.RuleSet == nil {
			c.SortOrder = "MANUAL"
		}
		applyCollectionInput(c, in)
		h, err := t.claimHandle("collection", deref(in.Handle), c.Title, c.ID)
		if err != nil {
			return err
		}
		c.Handle = h
		c.ProductIDs = dedupe(in.ProductIDs)
		t.collections.put(c.ID, c)
		t.emit(TopicCollectionsCreate, c)
		out = c
		return nil
	})
	return out, err
}

func applyCollectionInput(c *Collection, in CollectionInput) {
	if in.Title != nil {
		c.Title = *in.Title
	}
	if in.DescriptionHTML != nil {
		c.DescriptionHTML = *in.DescriptionHTML
	}
	if in.SortOrder != nil {
		c.SortOrder = *in.SortOrder
	}
	if in.TemplateSuffix != nil {
		c.TemplateSuffix = in.TemplateSuffix
	}
	if in.SEO != nil {
		c.SEO = *in.SEO
	}
	if in.RuleSet != nil {
		rs := *in.RuleSet
		rs.Rules = slices.Clone(rs.Rules)
		c.RuleSet = &rs
	}
}

func dedupe(ids []int64) []int64 {
	out := []int64{}
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// UpdateCollection changes a collection's fields (not its manual members).
func (s *Shop) UpdateCollection(id int64, in CollectionInput) (*Collection, error) {
	var out *Collection
	err := s.write(func(t *tx) error {
		old := t.collections.get(id)
		if old == nil {
			return notFound([]string{"id"}, "Collection", id)
		}
		c := *old
		if in.Handle != nil && *in.Handle != old.Handle {
			h, err := t.claimHandle("collection", *in.Handle, "", id)
			if err != nil {
				return err
			}
			t.releaseHandle("collection", old.Handle)
			c.Handle = h
		}
		applyCollectionInput(&c, in)
		c.UpdatedAt = t.now
		t.collections.put(id, &c)
		t.emit(TopicCollectionsUpdate, &c)
		out = &c
		return nil
	})
	return out, err
}

// DeleteCollection removes a collection.
func (s *Shop) DeleteCollection(id int64) error {
	return s.write(func(t *tx) error {
		c := t.collections.get(id)
		if c == nil {
			return notFound([]string{"id"}, "Collection", id)
		}
		t.collections.remove(id)
		t.releaseHandle("collection", c.Handle)
		t.emit(TopicCollectionsDelete, c)
		return nil
	})
}

// AddProductsToCollection appends products to a manual collection; one
// collections/update announces the whole batch, as Shopify does.
func (s *Shop) AddProductsToCollection(id int64, productIDs []int64) (*Collection, error) {
	return s.changeMembers(id, productIDs, true)
}

// RemoveProductsFromCollection removes products from a manual collection.
func (s *Shop) RemoveProductsFromCollection(id int64, productIDs []int64) (*Collection, error) {
	return s.changeMembers(id, productIDs, false)
}

func (s *Shop) changeMembers(id int64, productIDs []int64, add bool) (*Collection, error) {
	var out *Collection
	err := s.write(func(t *tx) error {
		old := t.collections.get(id)
		if old == nil {
			return notFound([]string{"id"}, "Collection", id)
		}
		if old.RuleSet != nil {
			return &UserError{Field: []string{"id"}, Message: "Can't manually add products to a smart collection"}
		}
		for i, pid := range productIDs {
			if t.products.get(pid) == nil {
				return &UserError{Field: []string{"productIds", strconv.Itoa(i)}, Message: "Product does not exist"}
			}
		}
		c := *old
		if add {
			c.ProductIDs = dedupe(append(slices.Clone(old.ProductIDs), productIDs...))
		} else {
			c.ProductIDs = slices.DeleteFunc(slices.Clone(old.ProductIDs), func(x int64) bool { return slices.Contains(productIDs, x) })
		}
		c.UpdatedAt = t.now
		t.collections.put(id, &c)
		t.emit(TopicCollectionsUpdate, &c)
		out = &c
		return nil
	})
	return out, err
}

// Collection returns a collection by numeric id, or nil.
func (s *Shop) Collection(id int64) *Collection {
	var c *Collection
	s.read(func(st *store) { c = st.collections.get(id) })
	return c
}

// collectionProducts lists a collection's members: the manual list, or for a
// smart collection every product its rules match, in id order.
func (st *store) collectionProducts(c *Collection) []*Product {
	if c.RuleSet == nil {
		out := make([]*Product, 0, len(c.ProductIDs))
		for _, id := range c.ProductIDs {
			if p := st.products.get(id); p != nil {
				out = append(out, p)
			}
		}
		return out
	}
	var out []*Product
	for _, p := range st.products.all() {
		if st.matchesRules(p, c.RuleSet) {
			out = append(out, p)
		}
	}
	return out
}

func (st *store) inCollection(c *Collection, p *Product) bool {
	if c.RuleSet == nil {
		return slices.Contains(c.ProductIDs, p.ID)
	}
	return st.matchesRules(p, c.RuleSet)
}

// matchesRules evaluates the rule columns fakeshop supports (TAG, TITLE, TYPE,
// VENDOR, VARIANT_TITLE, VARIANT_PRICE, VARIANT_INVENTORY); a rule on any other
// column never matches.
func (st *store) matchesRules(p *Product, rs *CollectionRuleSet) bool {
	if len(rs.Rules) == 0 {
		return false
	}
	for _, r := range rs.Rules {
		m := st.matchesRule(p, r)
		if rs.AppliedDisjunctively && m {
			return true
		}
		if !rs.AppliedDisjunctively && !m {
			return false
		}
	}
	return !rs.AppliedDisjunctively
}

func (st *store) matchesRule(p *Product, r CollectionRule) bool {
	var values []string
	numeric := false
	switch r.Column {
	case "TAG":
		values = p.Tags
	case "TITLE":
		values = []string{p.Title}
	case "TYPE":
		values = []string{p.ProductType}
	case "VENDOR":
		values = []string{p.Vendor}
	case "VARIANT_TITLE", "VARIANT_PRICE", "VARIANT_INVENTORY":
		numeric = r.Column != "VARIANT_TITLE"
		for _, v := range st.variantsOf(p) {
			switch r.Column {
			case "VARIANT_TITLE":
				values = append(values, v.Title)
			case "VARIANT_PRICE":
				values = append(values, v.Price)
			default:
				values = append(values, strconv.Itoa(st.available(v)))
			}
		}
	default:
		return false
	}
	for _, v := range values {
		if ruleHolds(r.Relation, v, r.Condition, numeric) {
			return true
		}
	}
	return false
}

func ruleHolds(relation, value, condition string, numeric bool) bool {
	lv, lc := strings.ToLower(value), strings.ToLower(condition)
	switch relation {
	case "EQUALS":
		if numeric {
			return compareNumbers(value, condition) == 0
		}
		return lv == lc
	case "NOT_EQUALS":
		return lv != lc
	case "CONTAINS":
		return strings.Contains(lv, lc)
	case "NOT_CONTAINS":
		return !strings.Contains(lv, lc)
	case "STARTS_WITH":
		return strings.HasPrefix(lv, lc)
	case "ENDS_WITH":
		return strings.HasSuffix(lv, lc)
	case "GREATER_THAN":
		return compareNumbers(value, condition) > 0
	case "LESS_THAN":
		return compareNumbers(value, condition) < 0
	case "IS_SET":
		return value != ""
	case "IS_NOT_SET":
		return value == ""
	}
	return false
}

func compareNumbers(a, b string) int {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		return strings.Compare(a, b)
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
