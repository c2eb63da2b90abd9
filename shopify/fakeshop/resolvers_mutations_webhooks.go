package fakeshop

import (
	"net/url"
	"strings"
)

func init() {
	register("Mutation", map[string]FieldFunc{
		"webhookSubscriptionCreate": mutation(webhookSubscriptionCreate),
		"webhookSubscriptionDelete": mutation(webhookSubscriptionDelete),
	})
}

// validWebhookAddress accepts the address forms Shopify has: an HTTP(S) URL,
// a Google Pub/Sub topic (pubsub://project:topic) and an Amazon EventBridge
// source (arn:aws:events:...). Shopify requires HTTPS for HTTP endpoints;
// fakeshop also takes plain http, since its receivers are local test servers.
func validWebhookAddress(s string) bool {
	if strings.HasPrefix(s, "arn:aws:events:") {
		return true
	}
	if topic, ok := strings.CutPrefix(s, "pubsub://"); ok {
		project, name, _ := strings.Cut(topic, ":")
		return project != "" && name != ""
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func webhookSubscriptionCreate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "WebhookSubscriptionCreatePayload", "UserError"
	in := args.obj("webhookSubscription")
	// 2026-01 names the address uri; the deprecated callbackUrl still works.
	uri, field := in.strOr("uri", ""), "uri"
	if uri == "" && in.str("callbackUrl") != nil {
		uri, field = *in.str("callbackUrl"), "callbackUrl"
	}
	if uri != "" && !validWebhookAddress(uri) {
		return failed(payload, errType, &UserError{Field: fieldPath("webhookSubscription", field), Message: "Address is invalid"}), nil
	}
	var includeFields, namespaces []string
	if f := in.strs("includeFields"); f != nil {
		includeFields = *f
	}
	if n := in.strs("metafieldNamespaces"); n != nil {
		namespaces = *n
	}
	w, err := rc.Shop.CreateWebhookSubscription(WebhookSubscriptionInput{Topic: args.strOr("topic", ""), URI: uri, Format: in.strOr("format", ""),
		IncludeFields: includeFields, MetafieldNamespaces: namespaces, Filter: in.str("filter"), APIVersion: rc.APIVersion})
	if err != nil {
		ue, gerr := asUserError(err, nil)
		if gerr != nil {
			return nil, gerr
		}
		if len(ue.Field) == 2 && ue.Field[1] == "uri" {
			ue.Field = fieldPath("webhookSubscription", field)
		}
		return failed(payload, errType, ue), nil
	}
	return payloadObj(payload, "webhookSubscription", w), nil
}

func webhookSubscriptionDelete(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "WebhookSubscriptionDeletePayload", "UserError"
	id, _, err := args.id("id", "WebhookSubscription")
	if err != nil {
		return nil, err
	}
	if err := rc.Shop.DeleteWebhookSubscription(id); err != nil {
		ue, gerr := asUserError(err, nil)
		if gerr != nil {
			return nil, gerr
		}
		ue.Message = "Webhook subscription does not exist"
		return failed(payload, errType, ue), nil
	}
	return payloadObj(payload, "deletedWebhookSubscriptionId", gidOf("WebhookSubscription", id)), nil
}
