package applier_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/reconcile"
	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// snapshotAll mirrors every family the content sync reads (products,
// inventory, collections, content) of the given shops, all when none: the
// ingest's bulk snapshot, which also tombstones what a store no longer has.
func (f *fixture) snapshotAll(shops ...*fakeshop.Shop) {
	f.t.Helper()
	if len(shops) == 0 {
		shops = append([]*fakeshop.Shop{f.src}, f.dsts...)
	}
	errs := make([]error, len(shops))
	var wg sync.WaitGroup
	for i, sh := range shops {
		r, err := snapshot.NewRunner(f.pool, snapshot.MirrorLoader{Mirror: f.mirror}, snapshot.Config{SpillDir: f.t.TempDir()})
		require.NoError(f.t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = r.Families(f.ctx, f.clients[sh.Domain()],
				[]events.Family{events.Products, events.Inventory, events.Collections, events.Content})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(f.t, err)
	}
}

// converge plans and applies until the plan is empty, and fails unless it
// is within a few rounds and nothing failed.
func (f *fixture) converge() {
	f.t.Helper()
	planned := f.plan()
	require.Positive(f.t, planned, "nothing was planned")
	for round := 0; ; round++ {
		require.Less(f.t, round, 4, "the plan did not converge: %v", f.deltas())
		require.NoError(f.t, f.applier(f.config()).RunOnce(f.ctx))
		if f.plan() == 0 {
			break
		}
	}
	var failed []string
	rows, err := f.pool.Query(f.ctx, `SELECT resource || ' ' || operation || ' ' || key || ': ' || error || ' ' || desired::text FROM plan_deltas WHERE status = 'failed'`)
	require.NoError(f.t, err)
	for rows.Next() {
		var s string
		require.NoError(f.t, rows.Scan(&s))
		failed = append(failed, s)
	}
	require.NoError(f.t, rows.Err())
	require.Empty(f.t, failed, "deltas failed")
	require.Zero(f.t, f.deltas()["pending"])
}

func collectionByHandle(s *fakeshop.Shop, handle string) *fakeshop.Collection {
	for _, c := range s.Collections() {
		if c.Handle == handle {
			return c
		}
	}
	return nil
}

func pageByHandle(s *fakeshop.Shop, handle string) *fakeshop.Page {
	for _, p := range s.Pages() {
		if p.Handle == handle {
			return p
		}
	}
	return nil
}

func blogByHandle(s *fakeshop.Shop, handle string) *fakeshop.Blog {
	for _, b := range s.Blogs() {
		if b.Handle == handle {
			return b
		}
	}
	return nil
}

func articleByHandle(s *fakeshop.Shop, blogID int64, handle string) *fakeshop.Article {
	for _, a := range s.Articles() {
		if a.BlogID == blogID && a.Handle == handle {
			return a
		}
	}
	return nil
}

// memberHandles are the handles of a collection's members, sorted.
func memberHandles(s *fakeshop.Shop, c *fakeshop.Collection) []string {
	var out []string
	for _, id := range s.CollectionProductIDs(c.ID) {
		out = append(out, s.Product(id).Handle)
	}
	slices.Sort(out)
	return out
}

// Collections (custom with members, smart with rules), pages, blogs and
// articles are created, edited and deleted in the source; after each step
// the ingest mirrors the source (a bulk snapshot after the creates and the
// deletes, an incremental reconcile pass after the edits), the planner
// plans, the applier writes, and both destinations hold what the source
// holds. The custom
// collection's products are created in the same run as the collection
// (and, in the edit step, a new member too): the collection is created
// with the members that exist, and the plan after the products' creation
// adds the rest.
func TestContentFlowsToEveryDestination(t *testing.T) {
	f := newFixture(t, fixtureOptions{dests: 2, link: map[string]any{"delete_policy": "delete"}})
	src := f.src

	// Create.
	tee := f.addProduct(src, f.srcLoc, "tee", "Tee", []variant{{"M", "TEE-M", "10.00", 1}})
	capP := f.addProduct(src, f.srcLoc, "cap", "Cap", []variant{{"One", "CAP", "12.00", 1}})
	summer, err := src.CreateCollection(fakeshop.CollectionInput{Title: ptr("Summer"), Handle: ptr("summer"),
		DescriptionHTML: ptr("<p>Hot</p>"), ProductIDs: []int64{tee.ID, capP.ID}})
	require.NoError(t, err)
	acme, err := src.CreateCollection(fakeshop.CollectionInput{Title: ptr("Acme"), Handle: ptr("acme"),
		RuleSet: &fakeshop.CollectionRuleSet{Rules: []fakeshop.CollectionRule{{Column: "VENDOR", Relation: "EQUALS", Condition: "Acme"}}}})
	require.NoError(t, err)
	about, err := src.CreatePage(fakeshop.PageInput{Title: ptr("About us"), Handle: ptr("about"), Body: ptr("<p>We sell</p>")})
	require.NoError(t, err)
	news, err := src.CreateBlog(fakeshop.BlogInput{Title: ptr("News"), Handle: ptr("news")})
	require.NoError(t, err)
	hello, err := src.CreateArticle(fakeshop.ArticleInput{BlogID: news.ID, Title: ptr("Hello"), Handle: ptr("hello"),
		Body: ptr("<p>First</p>"), Author: ptr("Ann"), Tags: &[]string{"intro"}})
	require.NoError(t, err)
	bye, err := src.CreateArticle(fakeshop.ArticleInput{BlogID: news.ID, Title: ptr("Bye"), Handle: ptr("bye"),
		Body: ptr("<p>Last</p>"), Author: ptr("Ann")})
	require.NoError(t, err)

	f.snapshotAll()
	f.converge()
	// The membership was completed by a plan after the products existed.
	require.Equal(t, 2, f.count(`SELECT count(*) FROM plan_deltas WHERE resource = 'collection_product' AND status = 'applied'`),
		"each destination's summer got its members once the products were created")
	for _, dst := range f.dsts {
		c := collectionByHandle(dst, "summer")
		require.NotNil(t, c, dst.Domain())
		require.Equal(t, "Summer", c.Title)
		require.Equal(t, "<p>Hot</p>", c.DescriptionHTML)
		require.Nil(t, c.RuleSet)
		require.Equal(t, []string{"cap", "tee"}, memberHandles(dst, c), dst.Domain())
		sm := collectionByHandle(dst, "acme")
		require.NotNil(t, sm)
		require.NotNil(t, sm.RuleSet)
		require.Equal(t, []fakeshop.CollectionRule{{Column: "VENDOR", Relation: "EQUALS", Condition: "Acme"}}, sm.RuleSet.Rules)
		require.Equal(t, []string{"cap", "tee"}, memberHandles(dst, sm), "fakeshop evaluates the rule in the destination")
		p := pageByHandle(dst, "about")
		require.NotNil(t, p)
		require.Equal(t, "About us", p.Title)
		require.Equal(t, "<p>We sell</p>", p.Body)
		require.NotNil(t, p.PublishedAt)
		b := blogByHandle(dst, "news")
		require.NotNil(t, b)
		a := articleByHandle(dst, b.ID, "hello")
		require.NotNil(t, a, "article in the mapped blog")
		require.Equal(t, "Ann", a.Author)
		require.Equal(t, []string{"intro"}, a.Tags)
		require.NotNil(t, articleByHandle(dst, b.ID, "bye"))
	}
	for _, r := range []string{"collection", "page", "blog", "article"} {
		require.Equal(t, 2, f.count(`SELECT count(DISTINCT link_id)::int FROM id_map WHERE resource = $1`, r), r)
	}

	// Edit: fields of every kind, a member removed and a new product (again
	// created in the same run) added, the smart collection's rule changed.
	bag := f.addProduct(src, f.srcLoc, "bag", "Bag", []variant{{"One", "BAG", "30.00", 1}})
	_, err = src.UpdateCollection(summer.ID, fakeshop.CollectionInput{Title: ptr("Summer sale")})
	require.NoError(t, err)
	_, err = src.RemoveProductsFromCollection(summer.ID, []int64{capP.ID})
	require.NoError(t, err)
	_, err = src.AddProductsToCollection(summer.ID, []int64{bag.ID})
	require.NoError(t, err)
	_, err = src.UpdateCollection(acme.ID, fakeshop.CollectionInput{RuleSet: &fakeshop.CollectionRuleSet{
		Rules: []fakeshop.CollectionRule{{Column: "TITLE", Relation: "CONTAINS", Condition: "ag"}}}})
	require.NoError(t, err)
	_, err = src.UpdatePage(about.ID, fakeshop.PageInput{Title: ptr("About"), Body: ptr("<p>Since 1990</p>"), Published: ptr(false)})
	require.NoError(t, err)
	_, err = src.UpdateBlog(news.ID, fakeshop.BlogInput{Title: ptr("Company news")})
	require.NoError(t, err)
	_, err = src.UpdateArticle(hello.ID, fakeshop.ArticleInput{Body: ptr("<p>First, edited</p>"), Tags: &[]string{"intro", "edited"}})
	require.NoError(t, err)

	// Shopify sends no webhook for pages, blogs and articles, and the
	// collection webhooks carry no members: an incremental reconcile pass
	// brings the edits into the mirror.
	rc, err := reconcile.New(f.pool, reconcile.MirrorSink{Mirror: f.mirror}, reconcile.Config{
		Families: []events.Family{events.Products, events.Inventory, events.Collections, events.Content}})
	require.NoError(t, err)
	res, err := rc.Pass(f.ctx, f.clients[src.Domain()])
	require.NoError(t, err)
	for _, r := range res {
		require.Empty(t, r.Skipped, r.Family)
		require.NoError(t, r.Err, r.Family)
	}
	f.converge()
	for _, dst := range f.dsts {
		c := collectionByHandle(dst, "summer")
		require.Equal(t, "Summer sale", c.Title)
		require.Equal(t, []string{"bag", "tee"}, memberHandles(dst, c), dst.Domain())
		sm := collectionByHandle(dst, "acme")
		require.Equal(t, []fakeshop.CollectionRule{{Column: "TITLE", Relation: "CONTAINS", Condition: "ag"}}, sm.RuleSet.Rules)
		require.Equal(t, []string{"bag"}, memberHandles(dst, sm))
		p := pageByHandle(dst, "about")
		require.Equal(t, "About", p.Title)
		require.Equal(t, "<p>Since 1990</p>", p.Body)
		require.Nil(t, p.PublishedAt, "unpublished like the source")
		b := blogByHandle(dst, "news")
		require.Equal(t, "Company news", b.Title)
		a := articleByHandle(dst, b.ID, "hello")
		require.Equal(t, "<p>First, edited</p>", a.Body)
		require.Equal(t, articleByHandle(src, news.ID, "hello").Tags, a.Tags, "tags as the source has them")
		require.ElementsMatch(t, []string{"intro", "edited"}, a.Tags)
	}

	// Delete (the link's delete policy is delete): deletions leave nothing
	// an updated_at filter finds, so the periodic full snapshot tombstones
	// them (collections/delete webhooks would too). An article alone, then
	// a collection of each type, the page and the blog.
	require.NoError(t, src.DeleteArticle(bye.ID))
	require.NoError(t, src.DeleteCollection(summer.ID))
	require.NoError(t, src.DeleteCollection(acme.ID))
	require.NoError(t, src.DeletePage(about.ID))
	require.NoError(t, src.DeleteBlog(news.ID))

	f.snapshotAll(src)
	f.converge()
	for _, dst := range f.dsts {
		require.Empty(t, dst.Collections(), dst.Domain())
		require.Empty(t, dst.Pages())
		require.Empty(t, dst.Blogs())
		require.Empty(t, dst.Articles())
		require.Len(t, dst.Products(), 3, "products stay")
	}

	// The destination mirror was written from the answers: a snapshot of the
	// destinations finds the content as the applier left it.
	f.snapshotAll(f.dsts...)
	require.Zero(t, f.plan())

	// Every content write was audited in ClickHouse.
	attempts := f.count(`SELECT coalesce(sum(attempts), 0)::int FROM plan_deltas`)
	f.auditRows(attempts)
	var resources []string
	rows, err := f.ch.Query(f.ctx, `SELECT DISTINCT resource FROM audit_writes ORDER BY resource`)
	require.NoError(t, err)
	for rows.Next() {
		var r string
		require.NoError(t, rows.Scan(&r))
		resources = append(resources, r)
	}
	require.NoError(t, rows.Err())
	for _, r := range []string{"article", "blog", "collection", "collection_product", "page"} {
		require.Contains(t, resources, r)
	}
}

// The fast path: after a plan that created a collection before its product
// existed in the destination, the change event of the destination product
// the applier created (what the relay publishes from the mirror row written
// from the answer) makes the planner plan the waiting member, without a
// full plan; and a content change in the source plans the content family.
func TestContentEventsCompleteMembership(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	dst := f.dsts[0]
	tee := f.addProduct(f.src, f.srcLoc, "tee", "Tee", []variant{{"M", "TEE-M", "10.00", 1}})
	_, err := f.src.CreateCollection(fakeshop.CollectionInput{Title: ptr("Summer"), Handle: ptr("summer"), ProductIDs: []int64{tee.ID}})
	require.NoError(t, err)
	f.snapshotAll()
	require.Positive(t, f.plan())
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	c := collectionByHandle(dst, "summer")
	require.NotNil(t, c)
	require.Empty(t, memberHandles(dst, c), "the collection was planned before its product existed")

	dtee := gid("Product", dst.ProductByHandle("tee").ID)
	require.NoError(t, f.planner.PlanContentEvents(f.ctx, []events.ChangeEvent{
		{Store: dst.Domain(), Resource: events.Product, GID: dtee, Operation: events.Create}}))
	require.Equal(t, 1, f.count(`SELECT count(*)::int FROM plan_deltas WHERE resource = 'collection_product' AND status = 'pending'`))
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, []string{"tee"}, memberHandles(dst, c))

	// A destination product no source collection holds plans nothing.
	other := f.addProduct(dst, f.dstLocs[0], "local", "Local", []variant{{"M", "LOC", "1.00", 1}})
	before := f.count(`SELECT count(*)::int FROM plan_deltas`)
	require.NoError(t, f.planner.PlanContentEvents(f.ctx, []events.ChangeEvent{
		{Store: dst.Domain(), Resource: events.Product, GID: gid("Product", other.ID), Operation: events.Create}}))
	require.Equal(t, before, f.count(`SELECT count(*)::int FROM plan_deltas`))

	// A page created in the source (reconciliation's only path: Shopify has
	// no page webhooks) is planned by its change event.
	faq, err := f.src.CreatePage(fakeshop.PageInput{Title: ptr("FAQ"), Handle: ptr("faq")})
	require.NoError(t, err)
	f.snapshotAll(f.src)
	require.NoError(t, f.planner.PlanContentEvents(f.ctx, []events.ChangeEvent{
		{Store: f.src.Domain(), Resource: events.Page, GID: gid("Page", faq.ID), Operation: events.Create}}))
	require.Equal(t, 1, f.count(`SELECT count(*)::int FROM plan_deltas WHERE resource = 'page' AND status = 'pending'`))
}

// Field and delete policies apply to content as to products: a title
// create_only is written when the page is created and never after, and
// delete policy unpublish hides a page and an article deleted in the source
// (collections and blogs have no published state and stay).
func TestContentFollowsLinkPolicies(t *testing.T) {
	f := newFixture(t, fixtureOptions{link: map[string]any{"delete_policy": "unpublish", "field_policies": `{"title": "create_only"}`}})
	dst := f.dsts[0]
	page, err := f.src.CreatePage(fakeshop.PageInput{Title: ptr("About"), Handle: ptr("about"), Body: ptr("<p>a</p>")})
	require.NoError(t, err)
	blog, err := f.src.CreateBlog(fakeshop.BlogInput{Title: ptr("News"), Handle: ptr("news")})
	require.NoError(t, err)
	art, err := f.src.CreateArticle(fakeshop.ArticleInput{BlogID: blog.ID, Title: ptr("Hi"), Handle: ptr("hi"), Author: ptr("Ann")})
	require.NoError(t, err)
	col, err := f.src.CreateCollection(fakeshop.CollectionInput{Title: ptr("Sale"), Handle: ptr("sale")})
	require.NoError(t, err)
	f.snapshotAll()
	f.converge()
	require.Equal(t, "About", pageByHandle(dst, "about").Title)

	_, err = f.src.UpdatePage(page.ID, fakeshop.PageInput{Title: ptr("About us"), Body: ptr("<p>b</p>")})
	require.NoError(t, err)
	f.snapshotAll(f.src)
	f.converge()
	p := pageByHandle(dst, "about")
	require.Equal(t, "About", p.Title, "title is create_only")
	require.Equal(t, "<p>b</p>", p.Body)

	require.NoError(t, f.src.DeletePage(page.ID))
	require.NoError(t, f.src.DeleteArticle(art.ID))
	require.NoError(t, f.src.DeleteCollection(col.ID))
	f.snapshotAll(f.src)
	f.converge()
	p = pageByHandle(dst, "about")
	require.NotNil(t, p, "unpublished, not deleted")
	require.Nil(t, p.PublishedAt)
	db := blogByHandle(dst, "news")
	a := articleByHandle(dst, db.ID, "hi")
	require.NotNil(t, a)
	require.Nil(t, a.PublishedAt)
	require.NotNil(t, collectionByHandle(dst, "sale"), "collections have no published state: kept")
	require.Zero(t, f.plan())
}
