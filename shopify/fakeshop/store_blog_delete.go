package fakeshop

// TopicBlogsDelete is the change a blog's deletion emits. Shopify has no
// blogs/* webhook topics (FACTS.md §2.4): like the other content topics it
// is a change event for hooks, never a delivery.
const TopicBlogsDelete = "blogs/delete"

// DeleteBlog removes a blog and, as Shopify does, every article in it.
func (s *Shop) DeleteBlog(id int64) error {
	return s.write(func(t *tx) error {
		b := t.blogs.get(id)
		if b == nil {
			return notFound([]string{"id"}, "Blog", id)
		}
		for _, a := range t.articlesOf(id) {
			t.articles.remove(a.ID)
			t.releaseHandle(articleHandleKind(id), a.Handle)
			t.emit(TopicArticlesDelete, a)
		}
		t.blogs.remove(id)
		t.releaseHandle("blog", b.Handle)
		t.emit(TopicBlogsDelete, b)
		return nil
	})
}
