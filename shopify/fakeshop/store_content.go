package fakeshop

import (
	"slices"
	"strings"
	"time"
)

// PageInput is what can be set on a page. Published nil keeps the current
// visibility (a new page is published, as pageCreate's isPublished defaults).
type PageInput struct {
	Title          *string
	Handle         *string
	Body           *string
	Published      *bool
	PublishDate    *time.Time
	TemplateSuffix *string
}

// CreatePage stores a page.
func (s *Shop) CreatePage(in PageInput) (*Page, error) {
	var out *Page
	err := s.write(func(t *tx) error {
		if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
			return &UserError{Field: []string{"title"}, Code: "BLANK", Message: "Title can't be blank"}
		}
		p := &Page{ID: nextID(), CreatedAt: t.now, UpdatedAt: t.now}
		published := true
		if in.Published == nil {
			in.Published = &published
		}
		applyPageInput(p, in, t.now)
		h, err := t.claimHandle("page", deref(in.Handle), p.Title, p.ID)
		if err != nil {
			return err
		}
		p.Handle = h
		t.pages.put(p.ID, p)
		t.emit(TopicPagesCreate, p)
		out = p
		return nil
	})
	return out, err
}

func applyPageInput(p *Page, in PageInput, now time.Time) {
	if in.Title != nil {
		p.Title = *in.Title
	}
	if in.Body != nil {
		p.Body = *in.Body
	}
	if in.TemplateSuffix != nil {
		p.TemplateSuffix = in.TemplateSuffix
	}
	p.PublishedAt = publication(p.PublishedAt, in.Published, in.PublishDate, now)
}

// publication computes publishedAt from isPublished/publishDate.
func publication(cur *time.Time, published *bool, date *time.Time, now time.Time) *time.Time {
	switch {
	case date != nil:
		d := date.UTC().Truncate(time.Second)
		return &d
	case published == nil:
		return cur
	case !*published:
		return nil
	case cur != nil:
		return cur
	default:
		return &now
	}
}

// UpdatePage changes a page.
func (s *Shop) UpdatePage(id int64, in PageInput) (*Page, error) {
	var out *Page
	err := s.write(func(t *tx) error {
		old := t.pages.get(id)
		if old == nil {
			return notFound([]string{"id"}, "Page", id)
		}
		p := *old
		if in.Handle != nil && *in.Handle != old.Handle {
			h, err := t.claimHandle("page", *in.Handle, "", id)
			if err != nil {
				return err
			}
			t.releaseHandle("page", old.Handle)
			p.Handle = h
		}
		applyPageInput(&p, in, t.now)
		p.UpdatedAt = t.now
		t.pages.put(id, &p)
		t.emit(TopicPagesUpdate, &p)
		out = &p
		return nil
	})
	return out, err
}

// DeletePage removes a page.
func (s *Shop) DeletePage(id int64) error {
	return s.write(func(t *tx) error {
		p := t.pages.get(id)
		if p == nil {
			return notFound([]string{"id"}, "Page", id)
		}
		t.pages.remove(id)
		t.releaseHandle("page", p.Handle)
		t.emit(TopicPagesDelete, p)
		return nil
	})
}

// BlogInput is what can be set on a blog.
type BlogInput struct {
	Title          *string
	Handle         *string
	CommentPolicy  *string
	TemplateSuffix *string
}

// CreateBlog stores a blog.
func (s *Shop) CreateBlog(in BlogInput) (*Blog, error) {
	var out *Blog
	err := s.write(func(t *tx) error {
		b, err := t.createBlog(in)
		out = b
		return err
	})
	return out, err
}

func (t *tx) createBlog(in BlogInput) (*Blog, error) {
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		return nil, &UserError{Field: []string{"title"}, Code: "BLANK", Message: "Title can't be blank"}
	}
	b := &Blog{ID: nextID(), CommentPolicy: "MODERATED", CreatedAt: t.now, UpdatedAt: t.now}
	applyBlogInput(b, in)
	h, err := t.claimHandle("blog", deref(in.Handle), b.Title, b.ID)
	if err != nil {
		return nil, err
	}
	b.Handle = h
	t.blogs.put(b.ID, b)
	t.emit(TopicBlogsCreate, b)
	return b, nil
}

func applyBlogInput(b *Blog, in BlogInput) {
	if in.Title != nil {
		b.Title = *in.Title
	}
	if in.CommentPolicy != nil {
		b.CommentPolicy = *in.CommentPolicy
	}
	if in.TemplateSuffix != nil {
		b.TemplateSuffix = in.TemplateSuffix
	}
}

// UpdateBlog changes a blog.
func (s *Shop) UpdateBlog(id int64, in BlogInput) (*Blog, error) {
	var out *Blog
	err := s.write(func(t *tx) error {
		old := t.blogs.get(id)
		if old == nil {
			return notFound([]string{"id"}, "Blog", id)
		}
		b := *old
		if in.Handle != nil && *in.Handle != old.Handle {
			h, err := t.claimHandle("blog", *in.Handle, "", id)
			if err != nil {
				return err
			}
			t.releaseHandle("blog", old.Handle)
			b.Handle = h
		}
		applyBlogInput(&b, in)
		b.UpdatedAt = t.now
		t.blogs.put(id, &b)
		t.emit(TopicBlogsUpdate, &b)
		out = &b
		return nil
	})
	return out, err
}

// ArticleInput is what can be set on an article. NewBlogTitle, with no
// BlogID, creates the blog too (articleCreate's blog argument).
type ArticleInput struct {
	BlogID         int64
	NewBlogTitle   *string
	Title          *string
	Handle         *string
	Body           *string
	Summary        *string
	Author         *string
	Tags           *[]string
	Published      *bool
	PublishDate    *time.Time
	TemplateSuffix *string
}

// CreateArticle stores an article in a blog.
func (s *Shop) CreateArticle(in ArticleInput) (*Article, error) {
	var out *Article
	err := s.write(func(t *tx) error {
		if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
			return &UserError{Field: []string{"title"}, Code: "BLANK", Message: "Title can't be blank"}
		}
		if in.Author == nil || *in.Author == "" {
			return &UserError{Field: []string{"author"}, Code: "AUTHOR_FIELD_REQUIRED", Message: "Author is required"}
		}
		switch {
		case in.BlogID != 0 && in.NewBlogTitle != nil:
			return &UserError{Field: []string{"blogId"}, Code: "AMBIGUOUS_BLOG", Message: "Provide either blogId or blog, not both"}
		case in.BlogID != 0:
			if t.blogs.get(in.BlogID) == nil {
				return &UserError{Field: []string{"blogId"}, Code: "NOT_FOUND", Message: "Blog does not exist"}
			}
		case in.NewBlogTitle != nil:
			b, err := t.createBlog(BlogInput{Title: in.NewBlogTitle})
			if err != nil {
				return err
			}
			in.BlogID = b.ID
		default:
			return &UserError{Field: []string{"blogId"}, Code: "BLOG_REFERENCE_REQUIRED", Message: "A blog is required"}
		}
		a := &Article{ID: nextID(), BlogID: in.BlogID, Tags: []string{}, CreatedAt: t.now, UpdatedAt: t.now}
		published := true
		if in.Published == nil {
			in.Published = &published
		}
		applyArticleInput(a, in, t.now)
		h, err := t.claimHandle(articleHandleKind(a.BlogID), deref(in.Handle), a.Title, a.ID)
		if err != nil {
			return err
		}
		a.Handle = h
		t.articles.put(a.ID, a)
		t.emit(TopicArticlesCreate, a)
		out = a
		return nil
	})
	return out, err
}

// articleHandleKind scopes article handles to their blog, as Shopify does.
func articleHandleKind(blogID int64) string { return "article/" + gidOf("Blog", blogID) }

func applyArticleInput(a *Article, in ArticleInput, now time.Time) {
	if in.Title != nil {
		a.Title = *in.Title
	}
	if in.Body != nil {
		a.Body = *in.Body
	}
	if in.Summary != nil {
		a.Summary = in.Summary
	}
	if in.Author != nil {
		a.Author = *in.Author
	}
	if in.Tags != nil {
		a.Tags = normalizeTags(*in.Tags)
	}
	if in.TemplateSuffix != nil {
		a.TemplateSuffix = in.TemplateSuffix
	}
	a.PublishedAt = publication(a.PublishedAt, in.Published, in.PublishDate, now)
}

// UpdateArticle changes an article; BlogID, when set, moves it.
func (s *Shop) UpdateArticle(id int64, in ArticleInput) (*Article, error) {
	var out *Article
	err := s.write(func(t *tx) error {
		old := t.articles.get(id)
		if old == nil {
			return notFound([]string{"id"}, "Article", id)
		}
		a := *old
		if in.BlogID != 0 && in.BlogID != old.BlogID {
			if t.blogs.get(in.BlogID) == nil {
				return &UserError{Field: []string{"blogId"}, Code: "NOT_FOUND", Message: "Blog does not exist"}
			}
			a.BlogID = in.BlogID
		}
		if (in.Handle != nil && *in.Handle != old.Handle) || a.BlogID != old.BlogID {
			want := old.Handle
			if in.Handle != nil {
				want = *in.Handle
			}
			h, err := t.claimHandle(articleHandleKind(a.BlogID), want, "", id)
			if err != nil {
				return err
			}
			t.releaseHandle(articleHandleKind(old.BlogID), old.Handle)
			a.Handle = h
		}
		applyArticleInput(&a, in, t.now)
		a.UpdatedAt = t.now
		t.articles.put(id, &a)
		t.emit(TopicArticlesUpdate, &a)
		out = &a
		return nil
	})
	return out, err
}

// DeleteArticle removes an article.
func (s *Shop) DeleteArticle(id int64) error {
	return s.write(func(t *tx) error {
		a := t.articles.get(id)
		if a == nil {
			return notFound([]string{"id"}, "Article", id)
		}
		t.articles.remove(id)
		t.releaseHandle(articleHandleKind(a.BlogID), a.Handle)
		t.emit(TopicArticlesDelete, a)
		return nil
	})
}

// articlesOf lists a blog's articles in id order.
func (st *store) articlesOf(blogID int64) []*Article {
	return slices.DeleteFunc(st.articles.all(), func(a *Article) bool { return a.BlogID != blogID })
}
