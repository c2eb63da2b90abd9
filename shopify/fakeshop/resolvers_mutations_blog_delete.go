package fakeshop

func init() {
	register("Mutation", map[string]FieldFunc{
		"blogDelete": mutation(blogDelete),
	})
}

func blogDelete(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "BlogDeletePayload", "BlogDeleteUserError"
	id, _, err := args.id("id", "Blog")
	if err != nil {
		return nil, err
	}
	if err := rc.Shop.DeleteBlog(id); err != nil {
		return contentError(err, payload, errType, "blog", nil)
	}
	return payloadObj(payload, "deletedBlogId", gidOf("Blog", id)), nil
}
