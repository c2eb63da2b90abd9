package fakeshop

import "strings"

func init() {
	register("Mutation", map[string]FieldFunc{
		"pageCreate":    mutation(pageCreate),
		"pageUpdate":    mutation(pageUpdate),
		"pageDelete":    mutation(pageDelete),
		"blogCreate":    mutation(blogCreate),
		"blogUpdate":    mutation(blogUpdate),
		"articleCreate": mutation(articleCreate),
		"articleUpdate": mutation(articleUpdate),
		"articleDelete": mutation(articleDelete),
	})
}

// contentError places a content Shop method's error: the resource id is the
// mutation's own id argument, every other field is inside arg (page, blog,
// article); codes translates to the payload's enum.
func contentError(err error, payload, errType, arg string, codes map[string]string) (any, error) {
	ue, gerr := asUserError(err, codes)
	if gerr != nil {
		return nil, gerr
	}
	switch {
	case len(ue.Field) == 1 && ue.Field[0] == "id" && ue.Code == "NOT_FOUND":
		ue.Message = strings.ToUpper(arg[:1]) + arg[1:] + " does not exist"
	case len(ue.Field) > 0 && ue.Field[0] != "id":
		ue.Field = fieldPath(arg, ue.Field)
	}
	return failed(payload, errType, ue), nil
}

func pageInput(in inputArgs) (PageInput, error) {
	date, err := in.dateTime("publishDate")
	return PageInput{Title: in.str("title"), Handle: in.str("handle"), Body: in.str("body"), Published: in.boolean("isPublished"),
		PublishDate: date, TemplateSuffix: in.str("templateSuffix")}, err
}

func pageCreate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "PageCreatePayload", "PageCreateUserError"
	pin, err := pageInput(args.obj("page"))
	if err != nil {
		return nil, err
	}
	p, err := rc.Shop.CreatePage(pin)
	if err != nil {
		return contentError(err, payload, errType, "page", nil)
	}
	return payloadObj(payload, "page", p), nil
}

func pageUpdate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "PageUpdatePayload", "PageUpdateUserError"
	id, _, err := args.id("id", "Page")
	if err != nil {
		return nil, err
	}
	pin, err := pageInput(args.obj("page"))
	if err != nil {
		return nil, err
	}
	if pin.Title != nil && blank(pin.Title) {
		return failed(payload, errType, &UserError{Field: fieldPath("page", "title"), Code: "BLANK", Message: "Title can't be blank"}), nil
	}
	p, err := rc.Shop.UpdatePage(id, pin)
	if err != nil {
		return contentError(err, payload, errType, "page", nil)
	}
	return payloadObj(payload, "page", p), nil
}

func pageDelete(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "PageDeletePayload", "PageDeleteUserError"
	id, _, err := args.id("id", "Page")
	if err != nil {
		return nil, err
	}
	if err := rc.Shop.DeletePage(id); err != nil {
		return contentError(err, payload, errType, "page", nil)
	}
	return payloadObj(payload, "deletedPageId", gidOf("Page", id)), nil
}

func blogInput(in inputArgs) BlogInput {
	return BlogInput{Title: in.str("title"), Handle: in.str("handle"), CommentPolicy: in.str("commentPolicy"), TemplateSuffix: in.str("templateSuffix")}
}

// blogCodes: BlogCreateUserErrorCode has neither BLANK nor TAKEN, so a
// blank title or a taken handle is INVALID there (Shopify's choice for these
// two cases is unverified).
var blogCreateCodes = map[string]string{"BLANK": "INVALID", "TAKEN": "INVALID"}

func blogCreate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "BlogCreatePayload", "BlogCreateUserError"
	b, err := rc.Shop.CreateBlog(blogInput(args.obj("blog")))
	if err != nil {
		return contentError(err, payload, errType, "blog", blogCreateCodes)
	}
	return payloadObj(payload, "blog", b), nil
}

func blogUpdate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "BlogUpdatePayload", "BlogUpdateUserError"
	id, _, err := args.id("id", "Blog")
	if err != nil {
		return nil, err
	}
	bin := blogInput(args.obj("blog"))
	if bin.Title != nil && blank(bin.Title) {
		return failed(payload, errType, &UserError{Field: fieldPath("blog", "title"), Code: "BLANK", Message: "Title can't be blank"}), nil
	}
	b, err := rc.Shop.UpdateBlog(id, bin)
	if err != nil {
		return contentError(err, payload, errType, "blog", map[string]string{"TAKEN": "INVALID"})
	}
	return payloadObj(payload, "blog", b), nil
}

// articleInput reads an ArticleCreateInput or ArticleUpdateInput; image and
// metafields are not modelled and ignored. The author must be a name:
// fakeshop has no staff members for userId to name.
func articleInput(in inputArgs) (ArticleInput, *UserError, error) {
	out := ArticleInput{Title: in.str("title"), Handle: in.str("handle"), Body: in.str("body"), Summary: in.str("summary"),
		Tags: in.strs("tags"), Published: in.boolean("isPublished"), TemplateSuffix: in.str("templateSuffix")}
	var err error
	if out.PublishDate, err = in.dateTime("publishDate"); err != nil {
		return out, nil, err
	}
	blogID, given, err := in.id("blogId", "Blog")
	if err != nil {
		return out, nil, err
	}
	if given && blogID == 0 {
		return out, &UserError{Field: fieldPath("article", "blogId"), Code: "NOT_FOUND", Message: "Blog does not exist"}, nil
	}
	out.BlogID = blogID
	if author := in.obj("author"); author != nil {
		name, user := author.str("name"), author["userId"] != nil
		switch {
		case name != nil && user:
			return out, &UserError{Field: fieldPath("article", "author"), Code: "AMBIGUOUS_AUTHOR", Message: "Provide either an author name or a user id, not both"}, nil
		case user:
			return out, &UserError{Field: fieldPath("article", "author", "userId"), Code: "AUTHOR_MUST_EXIST", Message: "The author does not exist"}, nil
		}
		out.Author = name
	}
	return out, nil, nil
}

// articleBlog reads the blog argument (a new blog's title), if any.
func articleBlog(args inputArgs) (*string, *UserError) {
	b := args.obj("blog")
	if b == nil {
		return nil, nil
	}
	if title := b.str("title"); !blank(title) {
		return title, nil
	}
	return nil, &UserError{Field: fieldPath("blog", "title"), Code: "BLANK", Message: "Blog title can't be blank"}
}

func articleCreate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "ArticleCreatePayload", "ArticleCreateUserError"
	ain, ue, err := articleInput(args.obj("article"))
	if err != nil || ue != nil {
		return failedOr(payload, errType, ue, err)
	}
	if ain.NewBlogTitle, ue = articleBlog(args); ue != nil {
		return failed(payload, errType, ue), nil
	}
	if ain.Author == nil {
		return failed(payload, errType, &UserError{Field: fieldPath("article", "author"), Code: "AUTHOR_FIELD_REQUIRED", Message: "Author is required"}), nil
	}
	a, err := rc.Shop.CreateArticle(ain)
	if err != nil {
		return contentError(err, payload, errType, "article", nil)
	}
	return payloadObj(payload, "article", a), nil
}

func articleUpdate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "ArticleUpdatePayload", "ArticleUpdateUserError"
	id, _, err := args.id("id", "Article")
	if err != nil {
		return nil, err
	}
	ain, ue, err := articleInput(args.obj("article"))
	if err != nil || ue != nil {
		return failedOr(payload, errType, ue, err)
	}
	newBlog, ue := articleBlog(args)
	switch {
	case ue != nil:
		return failed(payload, errType, ue), nil
	case newBlog != nil && ain.BlogID != 0:
		return failed(payload, errType, &UserError{Field: fieldPath("article", "blogId"), Code: "AMBIGUOUS_BLOG", Message: "Provide either blogId or blog, not both"}), nil
	case ain.Title != nil && blank(ain.Title):
		return failed(payload, errType, &UserError{Field: fieldPath("article", "title"), Code: "BLANK", Message: "Title can't be blank"}), nil
	case rc.Shop.article(id) == nil:
		return failed(payload, errType, &UserError{Field: fieldPath("id"), Code: "NOT_FOUND", Message: "Article does not exist"}), nil
	}
	if newBlog != nil {
		// The blog argument moves the article to a new blog, made first.
		b, err := rc.Shop.CreateBlog(BlogInput{Title: newBlog})
		if err != nil {
			return contentError(err, payload, errType, "blog", nil)
		}
		ain.BlogID = b.ID
	}
	a, err := rc.Shop.UpdateArticle(id, ain)
	if err != nil {
		return contentError(err, payload, errType, "article", nil)
	}
	return payloadObj(payload, "article", a), nil
}

func articleDelete(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "ArticleDeletePayload", "ArticleDeleteUserError"
	id, _, err := args.id("id", "Article")
	if err != nil {
		return nil, err
	}
	if err := rc.Shop.DeleteArticle(id); err != nil {
		return contentError(err, payload, errType, "article", nil)
	}
	return payloadObj(payload, "deletedArticleId", gidOf("Article", id)), nil
}

// article looks an article up (the Go API has no exported getter).
func (s *Shop) article(id int64) *Article {
	var a *Article
	s.read(func(st *store) { a = st.articles.get(id) })
	return a
}
