package planner

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Link is what the planner needs to know of a links row before it plans it;
// the rules themselves are read by the SQL.
type Link struct {
	ID          int64  `json:"link_id"`
	Source      string `json:"source"`
	Destination string `json:"destination"`
	MatchKey    string `json:"match_key"`
}

// ErrUnknownLink is returned for a link id that is not in links or is
// disabled.
var ErrUnknownLink = errors.New("no such enabled link")

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// enabledLinks lists the enabled links, all or those to one destination.
func enabledLinks(ctx context.Context, q querier, destination string) ([]Link, error) {
	rows, err := q.Query(ctx, `SELECT id, source_store, destination_store, match_key FROM links
		WHERE enabled AND ($1 = '' OR destination_store = $1) ORDER BY id`, destination)
	if err != nil {
		return nil, fmt.Errorf("planner: list links: %w", err)
	}
	links, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Link])
	if err != nil {
		return nil, fmt.Errorf("planner: list links: %w", err)
	}
	return links, nil
}

// enabledLink reads one enabled link.
func enabledLink(ctx context.Context, q querier, id int64) (Link, error) {
	rows, err := q.Query(ctx, `SELECT id, source_store, destination_store, match_key FROM links
		WHERE enabled AND id = $1`, id)
	if err != nil {
		return Link{}, fmt.Errorf("planner: read link %d: %w", id, err)
	}
	l, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Link])
	if errors.Is(err, pgx.ErrNoRows) {
		return Link{}, fmt.Errorf("planner: link %d: %w", id, ErrUnknownLink)
	}
	if err != nil {
		return Link{}, fmt.Errorf("planner: read link %d: %w", id, err)
	}
	return l, nil
}
