package fakeshop

// webhookPayload is bulk_operations/finish (FACTS.md §1.4): unlike the
// GraphQL enums, status, type and error_code are lowercase here.
func (o *BulkOperation) webhookPayload(f payloadFormat) map[string]any {
	return map[string]any{
		"admin_graphql_api_id": o.GID(),
		"status":               lower(o.Status),
		"type":                 lower(o.Type),
		"error_code":           lowerPtr(o.ErrorCode),
		"created_at":           f.time(o.CreatedAt),
		"completed_at":         f.timePtr(o.CompletedAt),
	}
}
