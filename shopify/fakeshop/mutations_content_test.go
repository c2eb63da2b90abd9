package fakeshop

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPageMutations(t *testing.T) {
	m := newMutShop(t)
	const create = `mutation($page: PageCreateInput!) { pageCreate(page: $page) { page { id handle title body isPublished publishedAt } userErrors { code field message } } }`
	const update = `mutation($id: ID!, $page: PageUpdateInput!) { pageUpdate(id: $id, page: $page) { page { id title isPublished } userErrors { code field message } } }`
	const del = `mutation($id: ID!) { pageDelete(id: $id) { deletedPageId userErrors { code field message } } }`

	res := m.payload(t, "pageCreate", create, map[string]any{"page": map[string]any{"title": "About Us", "body": "<p>Hi</p>"}})
	require.Empty(t, userErrs(res))
	page := res["page"].(map[string]any)
	require.Equal(t, []any{"about-us", "<p>Hi</p>", true, "2026-01-15T10:00:00Z"}, []any{page["handle"], page["body"], page["isPublished"], page["publishedAt"]})
	require.Equal(t, []string{TopicPagesCreate}, m.topics())
	read := m.do(t, `query($id: ID!) { page(id: $id) { title bodySummary } }`, map[string]any{"id": page["id"]})
	require.Equal(t, map[string]any{"title": "About Us", "bodySummary": "Hi"}, read["page"])

	requireUserError(t, m.payload(t, "pageCreate", create, map[string]any{"page": map[string]any{"title": "  "}}), "BLANK", "page", "title")
	requireUserError(t, m.payload(t, "pageCreate", create, map[string]any{"page": map[string]any{"title": "x", "handle": "about-us"}}), "TAKEN", "page", "handle")

	res = m.payload(t, "pageUpdate", update, map[string]any{"id": page["id"], "page": map[string]any{"title": "About", "isPublished": false}})
	require.Empty(t, userErrs(res))
	require.Equal(t, map[string]any{"id": page["id"], "title": "About", "isPublished": false}, res["page"])
	require.Equal(t, []string{TopicPagesUpdate}, m.topics())
	e := requireUserError(t, m.payload(t, "pageUpdate", update, map[string]any{"id": gidOf("Page", 1), "page": map[string]any{"title": "x"}}), "NOT_FOUND", "id")
	require.Equal(t, "Page does not exist", e["message"])
	requireUserError(t, m.payload(t, "pageUpdate", update, map[string]any{"id": page["id"], "page": map[string]any{"title": ""}}), "BLANK", "page", "title")

	res = m.payload(t, "pageDelete", del, map[string]any{"id": page["id"]})
	require.Equal(t, page["id"], res["deletedPageId"])
	require.Equal(t, []string{TopicPagesDelete}, m.topics())
	requireUserError(t, m.payload(t, "pageDelete", del, map[string]any{"id": page["id"]}), "NOT_FOUND", "id")
	require.Empty(t, m.topics())
}

func TestBlogAndArticleMutations(t *testing.T) {
	m := newMutShop(t)
	const blogCreate = `mutation($blog: BlogCreateInput!) { blogCreate(blog: $blog) { blog { id handle title commentPolicy } userErrors { code field message } } }`
	const blogUpdate = `mutation($id: ID!, $blog: BlogUpdateInput!) { blogUpdate(id: $id, blog: $blog) { blog { id title } userErrors { code field message } } }`
	const articleCreate = `mutation($article: ArticleCreateInput!, $blog: ArticleBlogInput) { articleCreate(article: $article, blog: $blog) {
		article { id handle title author { name } tags isPublished blog { id title } } userErrors { code field message } } }`
	const articleUpdate = `mutation($id: ID!, $article: ArticleUpdateInput!, $blog: ArticleBlogInput) { articleUpdate(id: $id, article: $article, blog: $blog) {
		article { id title blog { id title } } userErrors { code field message } } }`
	const articleDelete = `mutation($id: ID!) { articleDelete(id: $id) { deletedArticleId userErrors { code field message } } }`

	res := m.payload(t, "blogCreate", blogCreate, map[string]any{"blog": map[string]any{"title": "News", "commentPolicy": "CLOSED"}})
	require.Empty(t, userErrs(res))
	blog := res["blog"].(map[string]any)
	require.Equal(t, []any{"news", "CLOSED"}, []any{blog["handle"], blog["commentPolicy"]})
	require.Equal(t, []string{TopicBlogsCreate}, m.topics())
	res = m.payload(t, "blogUpdate", blogUpdate, map[string]any{"id": blog["id"], "blog": map[string]any{"title": "Journal"}})
	require.Equal(t, "Journal", dig(res, "blog", "title"))
	require.Equal(t, []string{TopicBlogsUpdate}, m.topics())
	requireUserError(t, m.payload(t, "blogUpdate", blogUpdate, map[string]any{"id": gidOf("Blog", 1), "blog": map[string]any{"title": "x"}}), "NOT_FOUND", "id")
	requireUserError(t, m.payload(t, "blogCreate", blogCreate, map[string]any{"blog": map[string]any{"title": "x", "handle": "news"}}), "INVALID", "blog", "handle")

	// An article in an existing blog.
	res = m.payload(t, "articleCreate", articleCreate, map[string]any{"article": map[string]any{"blogId": blog["id"], "title": "Launch Day",
		"author": map[string]any{"name": "Ann"}, "tags": []any{"launch"}, "body": "<p>Out now</p>"}})
	require.Empty(t, userErrs(res))
	article := res["article"].(map[string]any)
	require.Equal(t, []any{"launch-day", map[string]any{"name": "Ann"}, []any{"launch"}, true, blog["id"]},
		[]any{article["handle"], article["author"], article["tags"], article["isPublished"], dig(article, "blog", "id")})
	require.Equal(t, []string{TopicArticlesCreate}, m.topics())

	// blog: {title} makes the blog too.
	res = m.payload(t, "articleCreate", articleCreate, map[string]any{"article": map[string]any{"title": "Hello", "author": map[string]any{"name": "Bo"}},
		"blog": map[string]any{"title": "Updates"}})
	require.Empty(t, userErrs(res))
	require.Equal(t, "Updates", dig(res, "article", "blog", "title"))
	require.Equal(t, []string{TopicBlogsCreate, TopicArticlesCreate}, m.topics())

	for _, tc := range []struct {
		name    string
		vars    map[string]any
		code    string
		field   []string
		message string
	}{
		{"both blogId and blog", map[string]any{"article": map[string]any{"blogId": blog["id"], "title": "x", "author": map[string]any{"name": "A"}}, "blog": map[string]any{"title": "B"}}, "AMBIGUOUS_BLOG", []string{"article", "blogId"}, ""},
		{"no blog", map[string]any{"article": map[string]any{"title": "x", "author": map[string]any{"name": "A"}}}, "BLOG_REFERENCE_REQUIRED", []string{"article", "blogId"}, ""},
		{"unknown blog", map[string]any{"article": map[string]any{"blogId": gidOf("Blog", 1), "title": "x", "author": map[string]any{"name": "A"}}}, "NOT_FOUND", []string{"article", "blogId"}, ""},
		{"no author name", map[string]any{"article": map[string]any{"blogId": blog["id"], "title": "x", "author": map[string]any{}}}, "AUTHOR_FIELD_REQUIRED", []string{"article", "author"}, ""},
		{"both author forms", map[string]any{"article": map[string]any{"blogId": blog["id"], "title": "x", "author": map[string]any{"name": "A", "userId": "gid://shopify/StaffMember/1"}}}, "AMBIGUOUS_AUTHOR", []string{"article", "author"}, ""},
		{"blank title", map[string]any{"article": map[string]any{"blogId": blog["id"], "title": "", "author": map[string]any{"name": "A"}}}, "BLANK", []string{"article", "title"}, ""},
		{"handle taken in the blog", map[string]any{"article": map[string]any{"blogId": blog["id"], "title": "x", "handle": "launch-day", "author": map[string]any{"name": "A"}}}, "TAKEN", []string{"article", "handle"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireUserError(t, m.payload(t, "articleCreate", articleCreate, tc.vars), tc.code, tc.field...)
		})
	}
	require.Empty(t, m.topics())

	// Update: retitle, then move to a new blog with the blog argument.
	res = m.payload(t, "articleUpdate", articleUpdate, map[string]any{"id": article["id"], "article": map[string]any{"title": "Launch"}})
	require.Equal(t, "Launch", dig(res, "article", "title"))
	require.Equal(t, []string{TopicArticlesUpdate}, m.topics())
	res = m.payload(t, "articleUpdate", articleUpdate, map[string]any{"id": article["id"], "article": map[string]any{}, "blog": map[string]any{"title": "Archive"}})
	require.Empty(t, userErrs(res))
	require.Equal(t, "Archive", dig(res, "article", "blog", "title"))
	require.Equal(t, []string{TopicBlogsCreate, TopicArticlesUpdate}, m.topics())
	requireUserError(t, m.payload(t, "articleUpdate", articleUpdate, map[string]any{"id": gidOf("Article", 1), "article": map[string]any{"title": "x"}}), "NOT_FOUND", "id")

	res = m.payload(t, "articleDelete", articleDelete, map[string]any{"id": article["id"]})
	require.Equal(t, article["id"], res["deletedArticleId"])
	require.Nil(t, m.do(t, `query($id: ID!) { article(id: $id) { id } }`, map[string]any{"id": article["id"]})["article"])
	require.Equal(t, []string{TopicArticlesDelete}, m.topics())
	requireUserError(t, m.payload(t, "articleDelete", articleDelete, map[string]any{"id": article["id"]}), "NOT_FOUND", "id")
}
