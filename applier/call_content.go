package applier

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

// contentKind is how one content resource (collection, page, blog, article)
// is written: its mutations, their arguments and the fields an answer
// selects. The selections are the ingest's (ingest/snapshot's bulk queries,
// without child connections), so the mirror rows built from an answer hash
// as the ingest's reads of the same object do.
type contentKind struct {
	resource events.Resource
	// object is the payload field holding the object (collection, page, ...).
	object                 string
	create, update, remove string
	// inputType is the create mutation's input type; updateType the
	// update's (for collections the same, with the id inside).
	inputType, updateType string
	// idInInput: collections take their id inside the input object, the
	// others as an id argument beside it.
	idInInput bool
	// arg is the input argument's name (input, page, blog, article).
	arg string
	// deleteArg is how the delete mutation takes the id.
	deleteInput bool
	deleted     string // the delete payload's deleted id field
	fields      string
	// input maps desired (mirror column names) to the mutation's input.
	input func(d map[string]json.RawMessage, create bool) map[string]any
}

var contentKinds = map[string]*contentKind{
	"collection": {
		resource: events.Collection, object: "collection",
		create: "collectionCreate", update: "collectionUpdate", remove: "collectionDelete",
		inputType: "CollectionInput!", updateType: "CollectionInput!", idInInput: true, arg: "input",
		deleteInput: true, deleted: "deletedCollectionId",
		fields: `id legacyResourceId handle title descriptionHtml sortOrder templateSuffix seo { title description } ` +
			`ruleSet { appliedDisjunctively rules { column relation condition } } updatedAt`,
		input: collectionInput,
	},
	"page": {
		resource: events.Page, object: "page",
		create: "pageCreate", update: "pageUpdate", remove: "pageDelete",
		inputType: "PageCreateInput!", updateType: "PageUpdateInput!", arg: "page", deleted: "deletedPageId",
		fields: `id handle title body bodySummary isPublished publishedAt templateSuffix createdAt updatedAt`,
		input:  pageInput,
	},
	"blog": {
		resource: events.Blog, object: "blog",
		create: "blogCreate", update: "blogUpdate", remove: "blogDelete",
		inputType: "BlogCreateInput!", updateType: "BlogUpdateInput!", arg: "blog", deleted: "deletedBlogId",
		fields: `id handle title commentPolicy tags templateSuffix createdAt updatedAt`,
		input:  blogInput,
	},
	"article": {
		resource: events.Article, object: "article",
		create: "articleCreate", update: "articleUpdate", remove: "articleDelete",
		inputType: "ArticleCreateInput!", updateType: "ArticleUpdateInput!", arg: "article", deleted: "deletedArticleId",
		fields: `id handle title body summary author { name } blog { id } tags isPublished publishedAt templateSuffix createdAt updatedAt`,
		input:  articleInput,
	},
}

// contentWriteCall creates or updates one collection, page, blog or article
// (an unpublish is an update of isPublished alone).
type contentWriteCall struct {
	store   string
	d       *Delta
	kind    *contentKind
	desired map[string]json.RawMessage
	create  bool
}

func (c *contentWriteCall) mutation() string {
	if c.create {
		return c.kind.create
	}
	return c.kind.update
}
func (c *contentWriteCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *contentWriteCall) batchKey() string { return batchKeyOf(c.store, c.mutation(), []*Delta{c.d}) }
func (c *contentWriteCall) shape() string    { return c.mutation() }

func (c *contentWriteCall) write(b *docBuilder, a string) {
	in := c.kind.input(c.desired, c.create)
	var args string
	switch {
	case c.create:
		args = c.kind.arg + ": " + b.variable("in"+a, c.kind.inputType, in)
	case c.kind.idInInput:
		in["id"] = c.d.targetGID()
		args = c.kind.arg + ": " + b.variable("in"+a, c.kind.updateType, in)
	default:
		args = "id: " + b.variable("id"+a, "ID!", c.d.targetGID()) + ", " + c.kind.arg + ": " + b.variable("in"+a, c.kind.updateType, in)
	}
	b.field(a + ": " + c.mutation() + "(" + args + ") { " + c.kind.object + " { " + c.kind.fields + " } userErrors { field message } }")
}

func (c *contentWriteCall) settle(payload json.RawMessage, r *result) {
	after, _ := json.Marshal(c.desired)
	var p map[string]json.RawMessage
	if err := json.Unmarshal(payload, &p); err != nil {
		r.set(c.d, deltaResult{verdict: retry, err: "unreadable answer: " + err.Error(), after: after})
		return
	}
	var ues []userError
	_ = json.Unmarshal(p["userErrors"], &ues)
	if len(ues) > 0 {
		r.set(c.d, deltaResult{verdict: refused, err: joinUserErrors(ues), after: after})
		return
	}
	obj := p[c.kind.object]
	var head struct {
		ID string `json:"id"`
	}
	if len(obj) == 0 || isNull(obj) || json.Unmarshal(obj, &head) != nil || head.ID == "" {
		r.set(c.d, deltaResult{verdict: retry, err: "answer without " + c.kind.object, after: after})
		return
	}
	// The destination mirror from the answer, so the next plan sees the
	// store in sync.
	if b, err := mirror.FromGraphQL(c.store, obj); err == nil {
		r.batch.Add(b)
	}
	// A custom collection created with members has them now; the answer
	// does not list them (that would cost a connection per call).
	if c.create && c.kind.resource == events.Collection {
		var members []string
		_ = json.Unmarshal(c.desired["products"], &members)
		for _, m := range members[:min(len(members), maxMembersPerCall)] {
			r.batch.Rows = append(r.batch.Rows, &mirror.CollectionProduct{Store: c.store, CollectionGID: head.ID, ProductGID: m})
		}
	}
	if sg := c.d.sourceGID(); sg != "" {
		r.pairs = append(r.pairs, idPair{linkID: c.d.LinkID, resource: c.d.Resource, sourceGID: sg, destinationGID: head.ID})
	}
	r.set(c.d, deltaResult{verdict: applied, targetGID: head.ID, after: after})
}

// contentDeleteCall deletes one collection, page, blog or article (delete
// policy delete).
type contentDeleteCall struct {
	store string
	d     *Delta
	kind  *contentKind
}

func (c *contentDeleteCall) mutation() string { return c.kind.remove }
func (c *contentDeleteCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *contentDeleteCall) batchKey() string {
	return batchKeyOf(c.store, c.mutation(), []*Delta{c.d})
}
func (c *contentDeleteCall) shape() string { return c.mutation() }

func (c *contentDeleteCall) write(b *docBuilder, a string) {
	var args string
	if c.kind.deleteInput {
		args = "input: " + b.variable("in"+a, "CollectionDeleteInput!", map[string]any{"id": c.d.targetGID()})
	} else {
		args = "id: " + b.variable("id"+a, "ID!", c.d.targetGID())
	}
	b.field(a + ": " + c.mutation() + "(" + args + ") { " + c.kind.deleted + " userErrors { field message } }")
}

func (c *contentDeleteCall) settle(payload json.RawMessage, r *result) {
	after := json.RawMessage("{}")
	var p struct {
		UserErrors []userError `json:"userErrors"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		r.set(c.d, deltaResult{verdict: retry, err: "unreadable answer: " + err.Error(), after: after})
		return
	}
	gone := false
	for _, u := range p.UserErrors {
		// A delete retried after its first attempt went through, or an
		// article its blog's deletion took with it.
		m := strings.ToLower(u.Message)
		gone = gone || strings.Contains(m, "does not exist") || strings.Contains(m, "not found") || u.Code == "NOT_FOUND"
	}
	if len(p.UserErrors) > 0 && !gone {
		r.set(c.d, deltaResult{verdict: refused, err: joinUserErrors(p.UserErrors), after: after})
		return
	}
	now := time.Now().UTC()
	r.batch.Deletions = append(r.batch.Deletions, mirror.Deletion{Store: c.store, Resource: c.kind.resource, GID: c.d.targetGID(), At: &now})
	r.set(c.d, deltaResult{verdict: applied, targetGID: c.d.targetGID(), after: after})
}

// The inputs of each kind, from desired. A field missing from desired is
// left out (a field policy). A null clears the value on update ("" is how
// Shopify's inputs clear a template suffix); on create there is nothing to
// clear.

func setString(in map[string]any, d map[string]json.RawMessage, col, field string, create bool) {
	raw, ok := d[col]
	if !ok {
		return
	}
	if isNull(raw) {
		if !create {
			in[field] = ""
		}
		return
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		in[field] = s
	}
}

// setPresent copies a non-null value as it is (booleans, lists).
func setPresent(in map[string]any, d map[string]json.RawMessage, col, field string) {
	if raw, ok := d[col]; ok && !isNull(raw) {
		in[field] = raw
	}
}

func collectionInput(d map[string]json.RawMessage, create bool) map[string]any {
	in := map[string]any{}
	setString(in, d, "handle", "handle", create)
	setString(in, d, "title", "title", create)
	setString(in, d, "description_html", "descriptionHtml", create)
	setString(in, d, "template_suffix", "templateSuffix", create)
	setPresent(in, d, "sort_order", "sortOrder")
	if raw, ok := d["rules"]; ok && !isNull(raw) {
		var rs mirror.RuleSet
		if json.Unmarshal(raw, &rs) == nil {
			rules := make([]map[string]any, len(rs.Rules))
			for i, r := range rs.Rules {
				rules[i] = map[string]any{"column": r.Column, "relation": r.Relation, "condition": r.Condition}
			}
			in["ruleSet"] = map[string]any{"appliedDisjunctively": rs.AppliedDisjunctively, "rules": rules}
		}
	}
	if raw, ok := d["products"]; ok && create {
		var ps []string
		if json.Unmarshal(raw, &ps) == nil && len(ps) > 0 {
			in["products"] = ps[:min(len(ps), maxMembersPerCall)]
		}
	}
	return in
}

func pageInput(d map[string]json.RawMessage, create bool) map[string]any {
	in := map[string]any{}
	setString(in, d, "handle", "handle", create)
	setString(in, d, "title", "title", create)
	setString(in, d, "body", "body", create)
	setString(in, d, "template_suffix", "templateSuffix", create)
	setPresent(in, d, "is_published", "isPublished")
	return in
}

func blogInput(d map[string]json.RawMessage, create bool) map[string]any {
	in := map[string]any{}
	setString(in, d, "handle", "handle", create)
	setString(in, d, "title", "title", create)
	setString(in, d, "template_suffix", "templateSuffix", create)
	setPresent(in, d, "comment_policy", "commentPolicy")
	return in
}

func articleInput(d map[string]json.RawMessage, create bool) map[string]any {
	in := map[string]any{}
	setString(in, d, "handle", "handle", create)
	setString(in, d, "title", "title", create)
	setString(in, d, "body", "body", create)
	setString(in, d, "template_suffix", "templateSuffix", create)
	setPresent(in, d, "summary", "summary")
	setPresent(in, d, "tags", "tags")
	setPresent(in, d, "is_published", "isPublished")
	setPresent(in, d, "blog_gid", "blogId")
	var author string
	if raw, ok := d["author_name"]; ok && json.Unmarshal(raw, &author) == nil {
		in["author"] = map[string]any{"name": author}
	} else if create {
		// ArticleCreateInput.author is required.
		in["author"] = map[string]any{"name": ""}
	}
	return in
}
