package mirror

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// NotifyChannel is the PostgreSQL channel every transaction that writes
// change rows notifies on commit, so that a relay wakes at once instead of at
// its next poll.
const NotifyChannel = "shopsync_change_outbox"

// Config tunes a Mirror.
type Config struct {
	// StagingSchema is the schema of the snapshots' UNLOGGED staging tables;
	// the mirror creates it when missing.
	StagingSchema string
	// BatchRows is how many rows a snapshot buffers before it COPYs them into
	// staging (and records its cursor).
	BatchRows int
	// CommitWorkMem is work_mem for a snapshot's commit transaction, whose
	// joins span every staged row.
	CommitWorkMem string
	Logger        *slog.Logger
	// Metrics receives counts; nil records nothing.
	Metrics *Metrics
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		StagingSchema: "mirror_staging",
		BatchRows:     50_000,
		CommitWorkMem: "512MB",
	}
}

var (
	identRe   = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,40}$`)
	workMemRe = regexp.MustCompile(`^[0-9]+(kB|MB|GB)$`)
)

// Validate reports the first bad field by name.
func (c Config) Validate() error {
	if !identRe.MatchString(c.StagingSchema) {
		return fmt.Errorf("mirror config: StagingSchema %q must be a lower-case SQL identifier", c.StagingSchema)
	}
	if c.BatchRows < 1 {
		return fmt.Errorf("mirror config: BatchRows %d must be positive", c.BatchRows)
	}
	if !workMemRe.MatchString(c.CommitWorkMem) {
		return fmt.Errorf("mirror config: CommitWorkMem %q must look like 256MB", c.CommitWorkMem)
	}
	return nil
}

// Mirror writes Shopify objects into the PostgreSQL mirror.
type Mirror struct {
	pool *pgxpool.Pool
	cfg  Config
	log  *slog.Logger
	m    *Metrics
}

// New returns a Mirror writing through pool, whose database has the
// migrations of schema applied.
func New(pool *pgxpool.Pool, cfg Config) (*Mirror, error) {
	if pool == nil {
		return nil, errors.New("mirror: nil pool")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Mirror{pool: pool, cfg: cfg, log: log.With("component", "mirror"), m: cfg.Metrics}, nil
}

// DB is what Apply and Tombstone write through: a pool, a connection, or a
// transaction of the caller (Begin then makes a savepoint, so the mirror's
// writes commit with the caller's own, such as marking a webhook processed).
type DB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

func notify(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, "SELECT pg_notify($1, '')", NotifyChannel); err != nil {
		return fmt.Errorf("notify %s: %w", NotifyChannel, err)
	}
	return nil
}
