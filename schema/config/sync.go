package config

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed sql/*.sql
var queries embed.FS

func query(name string) string {
	b, err := queries.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(err) // embedded at build time: a missing file is a build mistake
	}
	return string(b)
}

var (
	upsertStoreSQL  = query("upsert_store")
	upsertLinkSQL   = query("upsert_link")
	locationRefsSQL = query("location_refs")
)

// TxBeginner is what Sync needs of a database: a *pgxpool.Pool or a *pgx.Conn.
type TxBeginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Querier is what ResolveLocations needs: a pool, a connection or a transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// SyncResult says what Sync did.
type SyncResult struct {
	// LinkIDs maps each configured link's destination domain to its links.id.
	LinkIDs map[string]int64
	// Disabled are the links in the database that the configuration no
	// longer has, now disabled (links are never deleted: id_map and
	// plan_deltas refer to them).
	Disabled []int64
	// Unresolved are location map entries without a link_locations row yet.
	Unresolved []UnresolvedLocation
}

// UnresolvedLocation is a location map entry that could not be turned into a
// pair of location GIDs.
type UnresolvedLocation struct {
	LinkID                    int64
	SourceRef, DestinationRef string // as configured: a GID or a name
	Reason                    string
}

// Sync writes the configuration's stores and links into Postgres, in one
// transaction, so that the planner and applier work from them. It is
// idempotent: stores are upserted by domain, links by (source, destination),
// and rows that are already equal are left alone (their updated_at too).
//
// A link the database has and the configuration has not is disabled, not
// deleted. A store the configuration no longer lists is left in place (its
// mirror stays queryable). The location map is stored as configured
// (links.location_map) and resolved into link_locations: GIDs at once, names
// once the store's locations are mirrored (call ResolveLocations again after
// ingest; SyncResult.Unresolved lists what is still missing).
//
// A store's role cannot change while links refer to it (the database's
// foreign keys say so too), and there is one source: Sync fails with an
// error saying which store and links are in the way, and changes nothing.
func Sync(ctx context.Context, db TxBeginner, cfg *Config) (*SyncResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config sync: invalid configuration: %w", err)
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("config sync: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }() // a no-op after Commit

	// Two Syncs at once would both pass the role checks before either writes.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('shopsync config sync'))`); err != nil {
		return nil, fmt.Errorf("config sync: lock: %w", err)
	}
	if err := checkRoles(ctx, tx, cfg); err != nil {
		return nil, err
	}
	// Destinations first: a store demoted to destination must stop being the
	// source before the new source is written (stores_one_source).
	stores := slices.Clone(cfg.Stores)
	slices.SortStableFunc(stores, func(a, b Store) int {
		return strings.Compare(string(a.Role), string(b.Role)) // "destination" < "source"
	})
	for _, s := range stores {
		if _, err := tx.Exec(ctx, upsertStoreSQL, pgx.NamedArgs{
			"domain": s.Domain, "role": string(s.Role), "plan_tier": string(s.Plan), "name": s.Name,
		}); err != nil {
			return nil, fmt.Errorf("config sync: store %s: %w", s.Domain, err)
		}
	}

	res := &SyncResult{LinkIDs: map[string]int64{}}
	ids := make([]int64, 0, len(cfg.Links))
	for i, l := range cfg.Links {
		id, err := upsertLink(ctx, tx, cfg, l)
		if err != nil {
			return nil, fmt.Errorf("config sync: links[%d]: %w", i, err)
		}
		res.LinkIDs[cfg.Store(l.Destination).Domain] = id
		ids = append(ids, id)
	}
	rows, err := tx.Query(ctx, `UPDATE links SET enabled = false, updated_at = now()
		WHERE enabled AND NOT id = ANY ($1) RETURNING id`, ids)
	if err != nil {
		return nil, fmt.Errorf("config sync: disable links no longer configured: %w", err)
	}
	if res.Disabled, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return nil, fmt.Errorf("config sync: disable links no longer configured: %w", err)
	}
	if res.Unresolved, err = resolveLocations(ctx, tx, ids); err != nil {
		return nil, fmt.Errorf("config sync: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("config sync: commit: %w", err)
	}
	return res, nil
}

// checkRoles refuses a role change of a store that links refer to, and a
// second source.
func checkRoles(ctx context.Context, tx pgx.Tx, cfg *Config) error {
	type linkRef struct {
		ID                  int64
		Source, Destination string
	}
	rows, err := tx.Query(ctx, `SELECT id, source_store, destination_store FROM links ORDER BY id`)
	if err != nil {
		return fmt.Errorf("config sync: read links: %w", err)
	}
	links, err := pgx.CollectRows(rows, pgx.RowToStructByPos[linkRef])
	if err != nil {
		return fmt.Errorf("config sync: read links: %w", err)
	}
	roles := map[string]string{} // domain -> role in the database
	var domain, role string
	rows, err = tx.Query(ctx, `SELECT domain, role FROM stores`)
	if err == nil {
		_, err = pgx.ForEachRow(rows, []any{&domain, &role}, func() error { roles[domain] = role; return nil })
	}
	if err != nil {
		return fmt.Errorf("config sync: read stores: %w", err)
	}

	var errs []error
	for i, s := range cfg.Stores {
		was, ok := roles[s.Domain]
		if !ok || was == string(s.Role) {
			continue
		}
		var refs []string
		for _, l := range links {
			if l.Source == s.Domain || l.Destination == s.Domain {
				refs = append(refs, fmt.Sprintf("link %d (%s -> %s)", l.ID, l.Source, l.Destination))
			}
		}
		if len(refs) > 0 {
			errs = append(errs, &FieldError{Path: child(index("stores", i), "role"), Line: cfg.positions.line(child(index("stores", i), "role")),
				Msg: fmt.Sprintf("store %s is a %s in the database and cannot become a %s: %s refer to it (a store has one role, and links are kept for id_map and plan_deltas)",
					s.Domain, was, s.Role, strings.Join(refs, ", "))})
		}
	}
	source := cfg.Source()
	for domain, role := range roles {
		if role == string(RoleSource) && domain != source.Domain && cfg.storeByDomain(domain) == nil {
			errs = append(errs, fmt.Errorf("config sync: store %s is the source in the database and is not in the configuration, which names %s as the source: there is one source store; list %s as a destination, or remove it from the database", domain, source.Domain, domain))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("config sync: %w", err)
	}
	return nil
}

func (c *Config) storeByDomain(domain string) *Store {
	for i := range c.Stores {
		if c.Stores[i].Domain == domain {
			return &c.Stores[i]
		}
	}
	return nil
}

func upsertLink(ctx context.Context, tx pgx.Tx, cfg *Config, l Link) (int64, error) {
	src, dst := cfg.Store(l.Source), cfg.Store(l.Destination)
	multiplier, err := l.Price.Multiplier()
	if err != nil {
		return 0, err
	}
	var roundTo *string
	if l.Price.RoundTo != RoundToNone {
		s := string(l.Price.RoundTo)
		roundTo = &s
	}
	locations := l.Inventory.LocationMap
	if locations == nil {
		locations = map[string]string{}
	}
	args := pgx.NamedArgs{
		"source_store": src.Domain, "destination_store": dst.Domain,
		"enabled": l.Enabled, "match_key": string(l.MatchKey),
		"currency_factor": string(l.Price.CurrencyFactor), "price_multiplier": multiplier,
		"price_offset": string(l.Price.AddAmount), "round_to": roundTo, "compare_at_mode": string(l.Price.CompareAt),
		"field_policies": l.Fields, "delete_policy": string(l.DeletePolicy), "inventory_mode": string(l.Inventory.Mode),
		"location_map":     locations,
		"sync_collections": l.Content.Collections, "sync_pages": l.Content.Pages, "sync_blogs": l.Content.Blogs,
		"sync_orders": l.Orders.Enabled,
	}
	if _, err := tx.Exec(ctx, upsertLinkSQL, args); err != nil {
		return 0, fmt.Errorf("%s -> %s: %w", src.Domain, dst.Domain, err)
	}
	var id int64
	err = tx.QueryRow(ctx, `SELECT id FROM links WHERE source_store = $1 AND destination_store = $2`, src.Domain, dst.Domain).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("%s -> %s: %w", src.Domain, dst.Domain, err)
	}
	return id, nil
}

// ResolveLocations rebuilds link_locations from every link's location_map:
// GIDs as they are, names by the mirrored locations of the link's stores.
// Run it after the locations are mirrored (Sync runs it for its links) and
// inside a transaction, since it deletes and re-inserts each link's pairs.
// It returns the entries it could not resolve yet.
func ResolveLocations(ctx context.Context, q Querier) ([]UnresolvedLocation, error) {
	return resolveLocations(ctx, q, nil)
}

func resolveLocations(ctx context.Context, q Querier, linkIDs []int64) ([]UnresolvedLocation, error) {
	type ref struct {
		LinkID                    int64
		SourceRef, DestinationRef string
		SourceGID, DestinationGID *string
	}
	var ids any // NULL: every link
	if linkIDs != nil {
		ids = linkIDs
	}
	rows, err := q.Query(ctx, locationRefsSQL, pgx.NamedArgs{"link_ids": ids})
	if err != nil {
		return nil, fmt.Errorf("resolve locations: %w", err)
	}
	refs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ref])
	if err != nil {
		return nil, fmt.Errorf("resolve locations: %w", err)
	}
	if linkIDs != nil {
		_, err = q.Exec(ctx, `DELETE FROM link_locations WHERE link_id = ANY ($1)`, linkIDs)
	} else {
		_, err = q.Exec(ctx, `DELETE FROM link_locations`)
	}
	if err != nil {
		return nil, fmt.Errorf("resolve locations: %w", err)
	}
	var unresolved []UnresolvedLocation
	for _, r := range refs {
		u := UnresolvedLocation{LinkID: r.LinkID, SourceRef: r.SourceRef, DestinationRef: r.DestinationRef}
		switch {
		case r.SourceGID == nil:
			u.Reason = fmt.Sprintf("no single live location named %q in the source's mirror", r.SourceRef)
		case r.DestinationGID == nil:
			u.Reason = fmt.Sprintf("no single live location named %q in the destination's mirror", r.DestinationRef)
		}
		if u.Reason == "" {
			tag, err := q.Exec(ctx, `INSERT INTO link_locations (link_id, source_location_gid, destination_location_gid)
				VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, r.LinkID, *r.SourceGID, *r.DestinationGID)
			if err != nil {
				return nil, fmt.Errorf("resolve locations: link %d: %w", r.LinkID, err)
			}
			if tag.RowsAffected() == 1 {
				continue
			}
			// A name and a GID (or two names) for one location: the map is
			// one to one, the first entry keeps it.
			u.Reason = fmt.Sprintf("%s -> %s: one of the two locations is already mapped by another entry", *r.SourceGID, *r.DestinationGID)
		}
		unresolved = append(unresolved, u)
	}
	return unresolved, nil
}
