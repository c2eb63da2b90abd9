package mirror

import (
	"encoding/json"

	"github.com/shopsync/shopsync/schema/events"
)

type gqlRuleSet struct {
	AppliedDisjunctively bool   `json:"appliedDisjunctively"`
	Rules                []Rule `json:"rules"`
}

func (c *gqlConv) collection() (Batch, error) {
	var o struct {
		ID              string      `json:"id"`
		Handle          string      `json:"handle"`
		Title           string      `json:"title"`
		DescriptionHTML string      `json:"descriptionHtml"`
		SortOrder       *string     `json:"sortOrder"`
		TemplateSuffix  *string     `json:"templateSuffix"`
		RuleSet         *gqlRuleSet `json:"ruleSet"`
		UpdatedAt       *string     `json:"updatedAt"`
		Products        *gqlConn    `json:"products"`
	}
	if err := json.Unmarshal(c.raw, &o); err != nil {
		return Batch{}, err
	}
	raw, err := withoutKeys(c.raw, o.Products != nil, "products")
	if err != nil {
		return Batch{}, err
	}
	var tp timeParser
	col := &Collection{
		Store: c.store, GID: o.ID, Handle: o.Handle, Title: o.Title, DescriptionHTML: o.DescriptionHTML,
		SortOrder: optUpper(o.SortOrder), TemplateSuffix: emptyToNil(o.TemplateSuffix),
		UpdatedAt: tp.at("updatedAt", o.UpdatedAt), Raw: raw,
	}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	if o.RuleSet != nil {
		col.Rules = normaliseRules(o.RuleSet.AppliedDisjunctively, o.RuleSet.Rules)
	}
	b := Batch{Rows: []Row{col}}
	var keep []string
	for _, p := range o.Products.items() {
		var n node
		if err := json.Unmarshal(p, &n); err != nil {
			return Batch{}, err
		}
		b.Rows = append(b.Rows, &CollectionProduct{Store: c.store, CollectionGID: o.ID, ProductGID: n.ID})
		keep = append(keep, n.ID)
	}
	if o.Products.complete() {
		b.ChildSets = append(b.ChildSets, ChildSet{Store: c.store, Parent: col.Ref(), ParentResource: events.Collection,
			Child: events.CollectionProduct, Keep: keep})
	}
	return b, nil
}

// normaliseRules spells rule columns and relations the GraphQL way (REST
// has them in lower case).
func normaliseRules(disjunctive bool, rules []Rule) *RuleSet {
	out := &RuleSet{AppliedDisjunctively: disjunctive, Rules: make([]Rule, len(rules))}
	for i, r := range rules {
		out.Rules[i] = Rule{Column: upper(r.Column), Relation: upper(r.Relation), Condition: r.Condition}
	}
	return out
}

func (c *gqlConv) page() (Batch, error) {
	var o struct {
		ID             string  `json:"id"`
		Handle         string  `json:"handle"`
		Title          string  `json:"title"`
		Body           string  `json:"body"`
		IsPublished    bool    `json:"isPublished"`
		PublishedAt    *string `json:"publishedAt"`
		TemplateSuffix *string `json:"templateSuffix"`
		CreatedAt      *string `json:"createdAt"`
		UpdatedAt      *string `json:"updatedAt"`
	}
	if err := json.Unmarshal(c.raw, &o); err != nil {
		return Batch{}, err
	}
	var tp timeParser
	p := &Page{
		Store: c.store, GID: o.ID, Handle: o.Handle, Title: o.Title, Body: o.Body, IsPublished: o.IsPublished,
		PublishedAt: tp.at("publishedAt", o.PublishedAt), TemplateSuffix: emptyToNil(o.TemplateSuffix),
		CreatedAt: tp.at("createdAt", o.CreatedAt), UpdatedAt: tp.at("updatedAt", o.UpdatedAt), Raw: c.raw,
	}
	return Batch{Rows: []Row{p}}, tp.err
}

func (c *gqlConv) blog() (Batch, error) {
	var o struct {
		ID             string   `json:"id"`
		Handle         string   `json:"handle"`
		Title          string   `json:"title"`
		CommentPolicy  *string  `json:"commentPolicy"`
		Tags           []string `json:"tags"`
		TemplateSuffix *string  `json:"templateSuffix"`
		CreatedAt      *string  `json:"createdAt"`
		UpdatedAt      *string  `json:"updatedAt"`
		Articles       *gqlConn `json:"articles"`
	}
	if err := json.Unmarshal(c.raw, &o); err != nil {
		return Batch{}, err
	}
	raw, err := withoutKeys(c.raw, o.Articles != nil, "articles")
	if err != nil {
		return Batch{}, err
	}
	var tp timeParser
	bl := &Blog{
		Store: c.store, GID: o.ID, Handle: o.Handle, Title: o.Title, CommentPolicy: optUpper(o.CommentPolicy),
		Tags: o.Tags, TemplateSuffix: emptyToNil(o.TemplateSuffix),
		CreatedAt: tp.at("createdAt", o.CreatedAt), UpdatedAt: tp.at("updatedAt", o.UpdatedAt), Raw: raw,
	}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	b := Batch{Rows: []Row{bl}}
	var keep []string
	for _, a := range o.Articles.items() {
		ac := gqlConv{store: c.store, raw: a, parent: o.ID}
		ab, err := ac.article()
		if err != nil {
			return Batch{}, err
		}
		b.Add(ab)
		keep = append(keep, ab.Rows[0].Ref().GID)
	}
	if o.Articles.complete() {
		b.ChildSets = append(b.ChildSets, ChildSet{Store: c.store, Parent: bl.Ref(), ParentResource: events.Blog,
			Child: events.Article, Keep: keep, At: bl.UpdatedAt})
	}
	return b, nil
}

func (c *gqlConv) article() (Batch, error) {
	var o struct {
		ID     string  `json:"id"`
		Handle string  `json:"handle"`
		Title  string  `json:"title"`
		Body   string  `json:"body"`
		Sum    *string `json:"summary"`
		Author *struct {
			Name string `json:"name"`
		} `json:"author"`
		Blog           *node    `json:"blog"`
		Tags           []string `json:"tags"`
		IsPublished    bool     `json:"isPublished"`
		PublishedAt    *string  `json:"publishedAt"`
		TemplateSuffix *string  `json:"templateSuffix"`
		CreatedAt      *string  `json:"createdAt"`
		UpdatedAt      *string  `json:"updatedAt"`
	}
	if err := json.Unmarshal(c.raw, &o); err != nil {
		return Batch{}, err
	}
	blog := c.parent
	if g := o.Blog.gid(); g != nil {
		blog = *g
	}
	if blog == "" {
		return Batch{}, errNoParent
	}
	var tp timeParser
	a := &Article{
		Store: c.store, GID: o.ID, BlogGID: blog, Handle: o.Handle, Title: o.Title, Body: o.Body,
		Summary: o.Sum, Tags: o.Tags, IsPublished: o.IsPublished, TemplateSuffix: emptyToNil(o.TemplateSuffix),
		PublishedAt: tp.at("publishedAt", o.PublishedAt), CreatedAt: tp.at("createdAt", o.CreatedAt),
		UpdatedAt: tp.at("updatedAt", o.UpdatedAt), Raw: c.raw,
	}
	if o.Author != nil {
		a.AuthorName = &o.Author.Name
	}
	return Batch{Rows: []Row{a}}, tp.err
}
