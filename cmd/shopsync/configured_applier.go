package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/Khan/genqlient/graphql"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/config"
	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/transport"
)

// configuredApplier is an Applier built from a configuration (what 'shopsync
// apply' and 'shopsync run' run), with the audit writer and ClickHouse
// connection it needs closed after it.
type configuredApplier struct {
	applier *applier.Applier
	audit   *audit.Writer
	ch      clickhouse.Conn
	log     *slog.Logger
}

// applierParts are what newConfiguredApplier builds an Applier from.
type applierParts struct {
	cfg      *config.Config
	secrets  config.Secrets
	pool     *pgxpool.Pool
	mirror   *mirror.Mirror
	applier  applier.Config
	audit    audit.Config
	observer *applier.Observer
	// transport configures the destinations' clients; its Metrics are
	// replaced by the observer (which forwards to them).
	transport transport.Config
	log       *slog.Logger
	// only limits the applier to one store (its name or domain); empty
	// means every store.
	only string
}

// errNoApplierStores is newConfiguredApplier's error when no store of the
// configuration is left to write to.
var errNoApplierStores = errors.New("no store to apply to")

// newConfiguredApplier builds an Applier writing to every store of the
// configuration, recording its attempts through an audit writer into
// ClickHouse (CLICKHOUSE_DSN).
func newConfiguredApplier(p applierParts) (*configuredApplier, error) {
	clients := map[string]graphql.Client{}
	acfg := p.applier
	acfg.Logger = p.log
	// The source too, as 'shopsync apply' does: the applier writes to it
	// for orders and two-way inventory.
	for _, st := range p.cfg.Stores {
		if p.only != "" && p.only != st.Name && !strings.EqualFold(p.only, st.Domain) {
			continue
		}
		tc := p.transport
		tc.Metrics, tc.Logger = p.observer, p.log
		c, err := client.New(client.Config{ShopDomain: st.Domain, Endpoint: st.Endpoint, Token: p.secrets[st.Domain].Token.Reveal(),
			Transport: tc, Logger: p.log})
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", st.Name, err)
		}
		clients[st.Domain] = c
		acfg.Destinations = append(acfg.Destinations, st.Domain)
	}
	if len(clients) == 0 {
		return nil, errNoApplierStores
	}
	chOpts, err := schema.ParseClickHouseDSN(endpoints.ClickHouse())
	if err != nil {
		return nil, fmt.Errorf("CLICKHOUSE_DSN: %w", err)
	}
	ch, err := clickhouse.Open(chOpts)
	if err != nil {
		return nil, fmt.Errorf("connect to ClickHouse at %s: %w", schema.Redact(endpoints.ClickHouse()), err)
	}
	auditCfg := p.audit
	auditCfg.Logger = p.log
	aw, err := audit.New(p.pool, ch, auditCfg)
	if err != nil {
		_ = ch.Close()
		return nil, err
	}
	a, err := applier.New(applier.Deps{
		DB: p.pool, Mirror: p.mirror, Audit: aw, Observer: p.observer,
		Clients: func(store string) (graphql.Client, error) {
			c, ok := clients[store]
			if !ok {
				return nil, fmt.Errorf("store %s is not in the configuration", store)
			}
			return c, nil
		},
	}, acfg)
	if err != nil {
		_ = ch.Close()
		return nil, err
	}
	return &configuredApplier{applier: a, audit: aw, ch: ch, log: p.log}, nil
}

// Close delivers what the audit writer still buffers (rows left over wait in
// the outbox for the next run) and closes ClickHouse.
func (a *configuredApplier) Close(ctx context.Context) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := a.audit.Close(cctx); err != nil {
		a.log.Warn("audit rows stay buffered in PostgreSQL until the next run", "err", err)
	}
	_ = a.ch.Close()
}
