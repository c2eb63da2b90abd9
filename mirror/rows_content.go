package mirror

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// Collection is a row of the collections table. A collection with Rules is
// smart, one without is custom.
type Collection struct {
	Store           string
	GID             string
	Handle          string
	Title           string
	Rules           *RuleSet
	DescriptionHTML string
	SortOrder       *string // GraphQL spelling, e.g. BEST_SELLING
	TemplateSuffix  *string
	UpdatedAt       *time.Time
	Raw             json.RawMessage
}

// RuleSet is a smart collection's rules (collections.rules).
type RuleSet struct {
	AppliedDisjunctively bool   `json:"appliedDisjunctively"`
	Rules                []Rule `json:"rules"`
}

// Rule is one condition of a RuleSet, in GraphQL spelling (TITLE, EQUALS).
type Rule struct {
	Column    string `json:"column"`
	Relation  string `json:"relation"`
	Condition string `json:"condition"`
}

func (r *Collection) Resource() events.Resource { return events.Collection }
func (r *Collection) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *Collection) Updated() *time.Time       { return r.UpdatedAt }
func (r *Collection) validate() error           { return nil }

func (r *Collection) encode(e *encoder) {
	e.str("gid", r.GID)
	e.str("handle", r.Handle)
	e.str("title", r.Title)
	typ := "custom"
	if r.Rules != nil {
		typ = "smart"
		if r.Rules.Rules == nil {
			r.Rules.Rules = []Rule{}
		}
	}
	e.str("collection_type", typ)
	e.json("rules", r.Rules, r.Rules == nil, false)
	e.str("description_html", r.DescriptionHTML)
	e.optStr("sort_order", r.SortOrder)
	e.optStr("template_suffix", r.TemplateSuffix)
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}

// CollectionProduct is a row of the collection_products table: a product's
// membership of a collection.
type CollectionProduct struct {
	Store         string
	CollectionGID string
	ProductGID    string
	Position      *int // nil: unknown (a bulk line does not say)
}

func (r *CollectionProduct) Resource() events.Resource { return events.CollectionProduct }
func (r *CollectionProduct) Ref() Ref {
	return Ref{r.Store, r.CollectionGID + " " + r.ProductGID}
}
func (r *CollectionProduct) Updated() *time.Time { return nil }

func (r *CollectionProduct) validate() error {
	if err := checkGID("collection_gid", r.CollectionGID, "Collection"); err != nil {
		return err
	}
	return checkGID("product_gid", r.ProductGID, "Product")
}

func (r *CollectionProduct) encode(e *encoder) {
	e.str("collection_gid", r.CollectionGID)
	e.str("product_gid", r.ProductGID)
	e.partialInt("position", r.Position)
}

// splitPair splits a collection_product GID into its collection and product.
func splitPair(gid string) (collection, product string, ok bool) {
	return strings.Cut(gid, " ")
}

// Page is a row of the pages table.
type Page struct {
	Store          string
	GID            string
	Handle         string
	Title          string
	Body           string
	IsPublished    bool
	PublishedAt    *time.Time
	TemplateSuffix *string
	CreatedAt      *time.Time
	UpdatedAt      *time.Time
	Raw            json.RawMessage
}

func (r *Page) Resource() events.Resource { return events.Page }
func (r *Page) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *Page) Updated() *time.Time       { return r.UpdatedAt }
func (r *Page) validate() error           { return nil }

func (r *Page) encode(e *encoder) {
	e.str("gid", r.GID)
	e.str("handle", r.Handle)
	e.str("title", r.Title)
	e.str("body", r.Body)
	e.boolean("is_published", r.IsPublished)
	e.time("published_at", r.PublishedAt)
	e.optStr("template_suffix", r.TemplateSuffix)
	e.stamp("created_at", r.CreatedAt)
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}

// Blog is a row of the blogs table.
type Blog struct {
	Store          string
	GID            string
	Handle         string
	Title          string
	CommentPolicy  *string
	Tags           []string
	TemplateSuffix *string
	CreatedAt      *time.Time
	UpdatedAt      *time.Time
	Raw            json.RawMessage
}

func (r *Blog) Resource() events.Resource { return events.Blog }
func (r *Blog) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *Blog) Updated() *time.Time       { return r.UpdatedAt }
func (r *Blog) validate() error           { return nil }

func (r *Blog) encode(e *encoder) {
	e.str("gid", r.GID)
	e.str("handle", r.Handle)
	e.str("title", r.Title)
	e.optStr("comment_policy", r.CommentPolicy)
	e.tags("tags", r.Tags)
	e.optStr("template_suffix", r.TemplateSuffix)
	e.stamp("created_at", r.CreatedAt)
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}

// Article is a row of the articles table.
type Article struct {
	Store          string
	GID            string
	BlogGID        string
	Handle         string
	Title          string
	AuthorName     *string
	Body           string
	Summary        *string
	Tags           []string
	IsPublished    bool
	PublishedAt    *time.Time
	TemplateSuffix *string
	CreatedAt      *time.Time
	UpdatedAt      *time.Time
	Raw            json.RawMessage
}

func (r *Article) Resource() events.Resource { return events.Article }
func (r *Article) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *Article) Updated() *time.Time       { return r.UpdatedAt }
func (r *Article) validate() error           { return checkGID("blog_gid", r.BlogGID, "Blog") }

func (r *Article) encode(e *encoder) {
	e.str("gid", r.GID)
	e.str("blog_gid", r.BlogGID)
	e.str("handle", r.Handle)
	e.str("title", r.Title)
	e.optStr("author_name", r.AuthorName)
	e.str("body", r.Body)
	e.optStr("summary", r.Summary)
	e.tags("tags", r.Tags)
	e.boolean("is_published", r.IsPublished)
	e.time("published_at", r.PublishedAt)
	e.optStr("template_suffix", r.TemplateSuffix)
	e.stamp("created_at", r.CreatedAt)
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}
