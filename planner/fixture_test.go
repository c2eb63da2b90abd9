package planner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/schema/testdb"
)

const (
	src  = "src.myshopify.com"
	dst  = "dst.myshopify.com"
	dst2 = "dst2.myshopify.com"
)

// fixture is a fresh database with a source, one destination and the link
// between them, and helpers that write mirror rows with plain SQL.
type fixture struct {
	t    testing.TB
	ctx  context.Context
	pool *pgxpool.Pool
	p    *planner.Planner
	link int64
}

// newFixture creates the stores and a link matching by match; rules are
// extra links columns (e.g. "price_multiplier": "1.10").
func newFixture(t testing.TB, match string, rules map[string]any) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), pool: testdb.Postgres(t)}
	f.exec(`INSERT INTO stores (domain, role, currency) VALUES ($1, 'source', 'EUR'), ($2, 'destination', 'EUR'), ($3, 'destination', 'EUR')`, src, dst, dst2)
	f.link = f.addLink(dst, match, rules)
	f.p = planner.New(f.pool)
	return f
}

func (f *fixture) addLink(dest, match string, rules map[string]any) int64 {
	f.t.Helper()
	cols, vals, args := []string{"source_store", "destination_store", "match_key"}, []string{"$1", "$2", "$3"}, []any{src, dest, match}
	keys := make([]string, 0, len(rules))
	for k := range rules {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, rules[k])
		cols = append(cols, k)
		vals = append(vals, fmt.Sprintf("$%d", len(args)))
	}
	var id int64
	f.scan([]any{&id}, `INSERT INTO links (`+strings.Join(cols, ", ")+`) VALUES (`+strings.Join(vals, ", ")+`) RETURNING id`, args...)
	return id
}

func (f *fixture) exec(sql string, args ...any) {
	f.t.Helper()
	_, err := f.pool.Exec(f.ctx, sql, args...)
	require.NoError(f.t, err, sql)
}

func (f *fixture) scan(dest []any, sql string, args ...any) {
	f.t.Helper()
	require.NoError(f.t, f.pool.QueryRow(f.ctx, sql, args...).Scan(dest...), sql)
}

func (f *fixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	f.scan([]any{&n}, sql, args...)
	return n
}

// product is a mirror product with its variants.
type product struct {
	GID, Handle, Title, Status string
	Description, Vendor, Type  string
	Tags                       []string
	Deleted, Unpublished       bool
	Variants                   []variant
}

// variant is a mirror variant; SKU and Barcode nil are NULL.
type variant struct {
	GID, Price       string
	SKU, Barcode     *string
	CompareAt        *string
	Options          string // JSON; default [{"name":"Size","value":"<gid suffix>"}]
	Position         int
	InventoryItemGID string
	Deleted          bool
}

func str(s string) *string { return &s }

// sv is a variant with a SKU and a price.
func sv(gid, sku, price string) variant { return variant{GID: gid, SKU: str(sku), Price: price} }

// put upserts a product and its variants into store's mirror, bumping the
// version of rows that exist.
func (f *fixture) put(store string, p product) {
	f.t.Helper()
	if p.Status == "" {
		p.Status = "ACTIVE"
	}
	if p.Title == "" {
		p.Title = "Title of " + p.Handle
	}
	if p.Tags == nil {
		p.Tags = []string{}
	}
	f.exec(`INSERT INTO products (store, gid, handle, title, description_html, vendor, product_type, status, tags,
			published_at, content_hash, deleted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $10 THEN NULL ELSE now() END, '\x00',
			CASE WHEN $11 THEN now() END)
		ON CONFLICT (store, gid) DO UPDATE SET handle = EXCLUDED.handle, title = EXCLUDED.title,
			description_html = EXCLUDED.description_html, vendor = EXCLUDED.vendor,
			product_type = EXCLUDED.product_type, status = EXCLUDED.status, tags = EXCLUDED.tags,
			published_at = EXCLUDED.published_at, deleted_at = EXCLUDED.deleted_at,
			version = products.version + 1`,
		store, gid("Product", p.GID), p.Handle, p.Title, p.Description, p.Vendor, p.Type, p.Status, p.Tags,
		p.Unpublished, p.Deleted)
	for i, v := range p.Variants {
		if v.Position == 0 {
			v.Position = i + 1
		}
		if v.Options == "" {
			v.Options = `[{"name": "Size", "value": "` + v.GID + `"}]`
		}
		var item *string
		if v.InventoryItemGID != "" {
			item = str(gid("InventoryItem", v.InventoryItemGID))
		}
		f.exec(`INSERT INTO variants (store, gid, product_gid, sku, barcode, price, compare_at_price, position,
				options, inventory_item_gid, content_hash, deleted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '\x00', CASE WHEN $11 THEN now() END)
			ON CONFLICT (store, gid) DO UPDATE SET product_gid = EXCLUDED.product_gid, sku = EXCLUDED.sku,
				barcode = EXCLUDED.barcode, price = EXCLUDED.price, compare_at_price = EXCLUDED.compare_at_price,
				position = EXCLUDED.position, options = EXCLUDED.options,
				inventory_item_gid = EXCLUDED.inventory_item_gid, deleted_at = EXCLUDED.deleted_at,
				version = variants.version + 1`,
			store, gid("ProductVariant", v.GID), gid("Product", p.GID), v.SKU, v.Barcode, v.Price, v.CompareAt,
			v.Position, v.Options, item, v.Deleted)
	}
}

// gid expands a short id ("7") into a Shopify GID; a full GID stays.
func gid(typ, id string) string {
	if strings.HasPrefix(id, "gid://") {
		return id
	}
	return "gid://shopify/" + typ + "/" + id
}

// plan runs a full plan of every link and fails the test on error.
func (f *fixture) plan() *planner.Result {
	f.t.Helper()
	r, err := f.p.Plan(f.ctx, planner.Options{})
	require.NoError(f.t, err)
	return r
}

// dry runs a full dry run of the fixture's link and returns its result.
func (f *fixture) dry() planner.LinkResult {
	f.t.Helper()
	r, err := f.p.Plan(f.ctx, planner.Options{DryRun: true, Destination: dst})
	require.NoError(f.t, err)
	require.Len(f.t, r.Links, 1)
	return r.Links[0]
}

// pendingDelta is a plan_deltas row as the tests look at it.
type pendingDelta struct {
	ID             int64
	Resource       string
	Operation      string
	Key            string
	SourceGID      *string
	TargetGID      *string
	Desired        map[string]any
	PlannedVersion *int64
	Reason         string
}

// pending lists the fixture link's pending deltas by resource and key.
func (f *fixture) pending() []pendingDelta {
	f.t.Helper()
	return f.pendingOf(f.link)
}

func (f *fixture) pendingOf(link int64) []pendingDelta {
	f.t.Helper()
	rows, err := f.pool.Query(f.ctx, `SELECT id, resource, operation, key, source_gid, target_gid, desired,
			planned_version, reason
		FROM plan_deltas WHERE link_id = $1 AND status = 'pending' ORDER BY resource, key`, link)
	require.NoError(f.t, err)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pendingDelta])
	require.NoError(f.t, err)
	return out
}

// one returns the only pending delta of the fixture's link.
func (f *fixture) one() pendingDelta {
	f.t.Helper()
	ds := f.pending()
	require.Len(f.t, ds, 1, "pending deltas: %s", describe(ds))
	return ds[0]
}

func describe(ds []pendingDelta) string {
	var b strings.Builder
	for _, d := range ds {
		j, _ := json.Marshal(d.Desired)
		fmt.Fprintf(&b, "\n  %s %s %s (%s) %s", d.Resource, d.Operation, d.Key, d.Reason, j)
	}
	return b.String()
}

// conflicts lists plan_conflicts of the fixture's link as "side reason key".
func (f *fixture) conflicts() []string {
	f.t.Helper()
	rows, err := f.pool.Query(f.ctx, `SELECT side || ' ' || reason || ' ' || key FROM plan_conflicts
		WHERE link_id = $1 ORDER BY 1`, f.link)
	require.NoError(f.t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(f.t, err)
	return out
}

// mapPair records a pair in id_map.
func (f *fixture) mapPair(resource, sourceGID, destinationGID string) {
	f.t.Helper()
	f.exec(`INSERT INTO id_map (link_id, resource, source_gid, destination_gid) VALUES ($1, $2, $3, $4)`,
		f.link, resource, sourceGID, destinationGID)
}

// variantsOf returns desired.variants of a delta.
func variantsOf(t testing.TB, d pendingDelta) []map[string]any {
	t.Helper()
	raw, ok := d.Desired["variants"].([]any)
	require.True(t, ok, "desired has no variants: %v", d.Desired)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i] = v.(map[string]any)
	}
	return out
}
