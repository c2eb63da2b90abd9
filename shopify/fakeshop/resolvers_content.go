package fakeshop

import (
	"regexp"
	"strings"
)

func init() {
	register("QueryRoot", map[string]FieldFunc{
		"page": byID("Page", func(st *store, id int64) *Page { return st.pages.get(id) }),
		"pages": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			var items []*Page
			rc.Shop.read(func(st *store) { items = st.pages.all() })
			items, err := filterItems(items, args, pageFilter)
			if err != nil {
				return nil, err
			}
			var sortValue func(Identified) any
			switch args["sortKey"] {
			case "TITLE":
				sortValue = lowerTitle(func(it Identified) string { return it.(*Page).Title })
			case "UPDATED_AT":
				sortValue = func(it Identified) any { return formatTime(it.(*Page).UpdatedAt) }
			}
			return newConn(items, sortValue), nil
		},
		"blog": byID("Blog", func(st *store, id int64) *Blog { return st.blogs.get(id) }),
		"blogs": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			var items []*Blog
			rc.Shop.read(func(st *store) { items = st.blogs.all() })
			items, err := filterItems(items, args, blogFilter)
			if err != nil {
				return nil, err
			}
			var sortValue func(Identified) any
			switch args["sortKey"] {
			case "TITLE":
				sortValue = lowerTitle(func(it Identified) string { return it.(*Blog).Title })
			case "HANDLE":
				sortValue = func(it Identified) any { return it.(*Blog).Handle }
			}
			return newConn(items, sortValue), nil
		},
		"article": byID("Article", func(st *store, id int64) *Article { return st.articles.get(id) }),
		"articles": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			var items []*Article
			rc.Shop.read(func(st *store) { items = st.articles.all() })
			items, err := filterItems(items, args, articleFilter)
			if err != nil {
				return nil, err
			}
			var sortValue func(Identified) any
			switch args["sortKey"] {
			case "TITLE":
				sortValue = lowerTitle(func(it Identified) string { return it.(*Article).Title })
			case "UPDATED_AT":
				sortValue = func(it Identified) any { return formatTime(it.(*Article).UpdatedAt) }
			}
			return newConn(items, sortValue), nil
		},
	})

	register("Page", map[string]FieldFunc{
		"id":             field(func(p *Page) any { return gidOf("Page", p.ID) }),
		"title":          field(func(p *Page) any { return p.Title }),
		"handle":         field(func(p *Page) any { return p.Handle }),
		"body":           field(func(p *Page) any { return p.Body }),
		"bodySummary":    field(func(p *Page) any { return summarize(p.Body) }),
		"isPublished":    field(func(p *Page) any { return p.PublishedAt != nil }),
		"publishedAt":    field(func(p *Page) any { return p.PublishedAt }),
		"templateSuffix": field(func(p *Page) any { return p.TemplateSuffix }),
		"createdAt":      field(func(p *Page) any { return p.CreatedAt }),
		"updatedAt":      field(func(p *Page) any { return p.UpdatedAt }),
	})

	register("Blog", map[string]FieldFunc{
		"id":             field(func(b *Blog) any { return gidOf("Blog", b.ID) }),
		"title":          field(func(b *Blog) any { return b.Title }),
		"handle":         field(func(b *Blog) any { return b.Handle }),
		"commentPolicy":  field(func(b *Blog) any { return b.CommentPolicy }),
		"templateSuffix": field(func(b *Blog) any { return b.TemplateSuffix }),
		"createdAt":      field(func(b *Blog) any { return b.CreatedAt }),
		"updatedAt":      field(func(b *Blog) any { return b.UpdatedAt }),
		"tags": fieldCtx(func(rc *ResolveContext, b *Blog, _ map[string]any) (any, error) {
			var tags []string
			rc.Shop.read(func(st *store) {
				for _, a := range st.articlesOf(b.ID) {
					tags = append(tags, a.Tags...)
				}
			})
			return normalizeTags(tags), nil
		}),
		"articles": fieldCtx(func(rc *ResolveContext, b *Blog, _ map[string]any) (any, error) {
			var items []*Article
			rc.Shop.read(func(st *store) { items = st.articlesOf(b.ID) })
			return newConn(items, nil), nil
		}),
		"articlesCount": fieldCtx(func(rc *ResolveContext, b *Blog, args map[string]any) (any, error) {
			n := 0
			rc.Shop.read(func(st *store) { n = len(st.articlesOf(b.ID)) })
			return countObj(n, args), nil
		}),
	})

	register("Article", map[string]FieldFunc{
		"id":             field(func(a *Article) any { return gidOf("Article", a.ID) }),
		"title":          field(func(a *Article) any { return a.Title }),
		"handle":         field(func(a *Article) any { return a.Handle }),
		"body":           field(func(a *Article) any { return a.Body }),
		"summary":        field(func(a *Article) any { return a.Summary }),
		"tags":           field(func(a *Article) any { return a.Tags }),
		"isPublished":    field(func(a *Article) any { return a.PublishedAt != nil }),
		"publishedAt":    field(func(a *Article) any { return a.PublishedAt }),
		"templateSuffix": field(func(a *Article) any { return a.TemplateSuffix }),
		"createdAt":      field(func(a *Article) any { return a.CreatedAt }),
		"updatedAt":      field(func(a *Article) any { return a.UpdatedAt }),
		"author": field(func(a *Article) any {
			if a.Author == "" {
				return nil
			}
			return NewObj("ArticleAuthor", "name", a.Author)
		}),
		"blog": fieldCtx(func(rc *ResolveContext, a *Article, _ map[string]any) (any, error) {
			var b *Blog
			rc.Shop.read(func(st *store) { b = st.blogs.get(a.BlogID) })
			return b, nil
		}),
	})

	nodeLookups["Page"] = func(st *store, _ *Shop, g GID) Object { return nilIfNone(st.pages.get(g.ID)) }
	nodeLookups["Blog"] = func(st *store, _ *Shop, g GID) Object { return nilIfNone(st.blogs.get(g.ID)) }
	nodeLookups["Article"] = func(st *store, _ *Shop, g GID) Object { return nilIfNone(st.articles.get(g.ID)) }
}

var htmlTags = regexp.MustCompile(`<[^>]*>`)

// summarize is a page's bodySummary: the text of the body, shortened.
func summarize(html string) string {
	text := strings.Join(strings.Fields(htmlTags.ReplaceAllString(html, " ")), " ")
	if r := []rune(text); len(r) > 150 {
		return string(r[:150])
	}
	return text
}

var pageFilter = filterSpec{
	"":           {kindText, func(o any) []any { return one(o.(*Page).Title) }},
	"title":      {kindText, func(o any) []any { return one(o.(*Page).Title) }},
	"handle":     {kindExact, func(o any) []any { return one(o.(*Page).Handle) }},
	"id":         {kindInt, func(o any) []any { return one(o.(*Page).ID) }},
	"created_at": {kindTime, func(o any) []any { return one(o.(*Page).CreatedAt) }},
	"updated_at": {kindTime, func(o any) []any { return one(o.(*Page).UpdatedAt) }},
}

var blogFilter = filterSpec{
	"":       {kindText, func(o any) []any { return one(o.(*Blog).Title) }},
	"title":  {kindText, func(o any) []any { return one(o.(*Blog).Title) }},
	"handle": {kindExact, func(o any) []any { return one(o.(*Blog).Handle) }},
	"id":     {kindInt, func(o any) []any { return one(o.(*Blog).ID) }},
}

var articleFilter = filterSpec{
	"":           {kindText, func(o any) []any { return one(o.(*Article).Title) }},
	"title":      {kindText, func(o any) []any { return one(o.(*Article).Title) }},
	"handle":     {kindExact, func(o any) []any { return one(o.(*Article).Handle) }},
	"id":         {kindInt, func(o any) []any { return one(o.(*Article).ID) }},
	"blog_id":    {kindInt, func(o any) []any { return one(o.(*Article).BlogID) }},
	"author":     {kindExact, func(o any) []any { return one(o.(*Article).Author) }},
	"tag":        {kindExact, func(o any) []any { return stringsToAny(o.(*Article).Tags) }},
	"created_at": {kindTime, func(o any) []any { return one(o.(*Article).CreatedAt) }},
	"updated_at": {kindTime, func(o any) []any { return one(o.(*Article).UpdatedAt) }},
}
