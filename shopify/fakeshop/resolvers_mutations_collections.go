package fakeshop

func init() {
	register("Mutation", map[string]FieldFunc{
		"collectionCreate":         mutation(collectionCreate),
		"collectionUpdate":         mutation(collectionUpdate),
		"collectionDelete":         mutation(withShop(collectionDelete)),
		"collectionAddProducts":    mutation(collectionAddProducts),
		"collectionRemoveProducts": mutation(collectionRemoveProducts),
	})
}

// collectionInput reads a CollectionInput; image and metafields are not
// modelled and ignored.
func collectionInput(in inputArgs) (CollectionInput, error) {
	out := CollectionInput{
		Title:           in.str("title"),
		Handle:          in.str("handle"),
		DescriptionHTML: in.str("descriptionHtml"),
		SortOrder:       in.str("sortOrder"),
		TemplateSuffix:  in.str("templateSuffix"),
		SEO:             in.seo("seo"),
	}
	if rs := in.obj("ruleSet"); rs != nil {
		set := &CollectionRuleSet{AppliedDisjunctively: rs.boolean("appliedDisjunctively") != nil && *rs.boolean("appliedDisjunctively")}
		for _, r := range rs.objs("rules") {
			set.Rules = append(set.Rules, CollectionRule{Column: r.strOr("column", ""), Relation: r.strOr("relation", ""), Condition: r.strOr("condition", "")})
		}
		out.RuleSet = set
	}
	if in["products"] != nil {
		ids, err := in.ids("products", "Product")
		if err != nil {
			return out, err
		}
		out.ProductIDs = ids
	}
	return out, nil
}

// collectionNotFound is Shopify's message for a collection id that names
// nothing, in place of the Go API's numbered one.
func collectionNotFound(err error, prefix ...string) (*UserError, error) {
	ue, gerr := asUserError(err, nil, prefix...)
	if gerr == nil && ue.Code == "NOT_FOUND" {
		ue.Message = "Collection does not exist"
	}
	return ue, gerr
}

func collectionCreate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "CollectionCreatePayload", "UserError"
	in := args.obj("input")
	cin, err := collectionInput(in)
	if err != nil {
		return nil, err
	}
	if cin.RuleSet != nil && len(cin.RuleSet.Rules) == 0 {
		return failed(payload, errType, &UserError{Field: fieldPath("input", "ruleSet", "rules"), Message: "A smart collection needs at least one rule"}), nil
	}
	c, err := rc.Shop.CreateCollection(cin)
	if err != nil {
		return failure(err, payload, errType, nil, "input")
	}
	return payloadObj(payload, "collection", c), nil
}

func collectionUpdate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "CollectionUpdatePayload", "UserError"
	in := args.obj("input")
	id, _, err := in.id("id", "Collection")
	if err != nil {
		return nil, err
	}
	cin, err := collectionInput(in)
	if err != nil {
		return nil, err
	}
	cur := rc.Shop.Collection(id)
	switch {
	case cur == nil:
		return failed(payload, errType, &UserError{Field: fieldPath("input", "id"), Message: "Collection does not exist"}), nil
	case in["products"] != nil:
		// Membership changes after creation go through
		// collectionAddProducts / collectionRemoveProducts.
		return failed(payload, errType, &UserError{Field: fieldPath("input", "products"), Message: "Products can only be set when a collection is created"}), nil
	case cin.RuleSet != nil && cur.RuleSet == nil:
		return failed(payload, errType, &UserError{Field: fieldPath("input", "ruleSet"), Message: "A custom collection can't become a smart collection"}), nil
	case cin.RuleSet != nil && len(cin.RuleSet.Rules) == 0:
		return failed(payload, errType, &UserError{Field: fieldPath("input", "ruleSet", "rules"), Message: "A smart collection needs at least one rule"}), nil
	}
	c, err := rc.Shop.UpdateCollection(id, cin)
	if err != nil {
		ue, gerr := collectionNotFound(err, "input")
		if gerr != nil {
			return nil, gerr
		}
		return failed(payload, errType, ue), nil
	}
	// New rules re-match the members, which Shopify does in a job; fakeshop
	// computes smart membership on every read, so the job is already done.
	var job any
	if cin.RuleSet != nil {
		job = jobObj()
	}
	return payloadObj(payload, "collection", c, "job", job), nil
}

func collectionDelete(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "CollectionDeletePayload", "UserError"
	id, _, err := args.obj("input").id("id", "Collection")
	if err != nil {
		return nil, err
	}
	if err := rc.Shop.DeleteCollection(id); err != nil {
		ue, gerr := collectionNotFound(err, "input")
		if gerr != nil {
			return nil, gerr
		}
		return failed(payload, errType, ue), nil
	}
	return payloadObj(payload, "deletedCollectionId", gidOf("Collection", id)), nil
}

func collectionMembers(rc *ResolveContext, args inputArgs, add bool) (*Collection, *UserError, error) {
	id, _, err := args.id("id", "Collection")
	if err != nil {
		return nil, nil, err
	}
	products, err := args.ids("productIds", "Product")
	if err != nil {
		return nil, nil, err
	}
	change := rc.Shop.RemoveProductsFromCollection
	if add {
		change = rc.Shop.AddProductsToCollection
	}
	c, err := change(id, products)
	if err != nil {
		ue, gerr := collectionNotFound(err)
		return nil, ue, gerr
	}
	return c, nil, nil
}

func collectionAddProducts(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "CollectionAddProductsPayload", "UserError"
	c, ue, err := collectionMembers(rc, args, true)
	if err != nil || ue != nil {
		return failedOr(payload, errType, ue, err)
	}
	return payloadObj(payload, "collection", c), nil
}

// collectionRemoveProducts is asynchronous in Shopify (it answers a job);
// fakeshop removes the products before answering, with the job done.
func collectionRemoveProducts(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "CollectionRemoveProductsPayload", "UserError"
	_, ue, err := collectionMembers(rc, args, false)
	if err != nil || ue != nil {
		return failedOr(payload, errType, ue, err)
	}
	return payloadObj(payload, "job", jobObj()), nil
}
