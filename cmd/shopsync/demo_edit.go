package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/shopify/client"
)

// demoEditOptions are the flags of `shopsync demo edit`.
type demoEditOptions struct {
	stateDir string
	handle   string
	title    string
	timeout  time.Duration
}

// newDemoEditCommand edits a product of the running demo's source and
// shows the edit reach the destinations.
func newDemoEditCommand() *cobra.Command {
	var o demoEditOptions
	cmd := &cobra.Command{
		Use:   "edit",
		Short: "Retitle a product in the running demo's source and time its arrival in the destinations",
		Long: `Change the title of one product of the running demo's source store through
fakeshop's Admin API (productUpdate, as a merchant's edit would), then read the
destinations through their Admin API until both carry the new title, and print
how long each took. The change travels the whole pipeline: a products/update
webhook, the mirror, Kafka, the planner, the applier.

Without --handle, a product already synced to every destination is chosen.`,
		Example: "  shopsync demo edit --title 'Summer tee'\n  shopsync demo edit --handle classic-tee-1 --title 'Classic tee (new)'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := readDemoState(o.stateDir)
			if err != nil {
				return err
			}
			return demoEdit(cmd.Context(), cmd.OutOrStdout(), st, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.stateDir, "state-dir", defaultDemoStateDir, "the running demo's state directory")
	f.StringVar(&o.handle, "handle", "", "handle of the source product to edit (default: one synced everywhere)")
	f.StringVar(&o.title, "title", "", "the new title (default: one with the time in it)")
	f.DurationVar(&o.timeout, "timeout", time.Minute, "how long to wait for the destinations")
	return cmd
}

// demoEdit retitles a source product and waits for the destinations to
// show the new title.
func demoEdit(ctx context.Context, out io.Writer, st demoState, o demoEditOptions) error {
	quiet := slog.New(slog.DiscardHandler)
	shopClient := func(name string) (*client.Client, error) {
		token, err := os.ReadFile(filepath.Join(filepath.Dir(st.Config), "secrets", name+".token"))
		if err != nil {
			return nil, fmt.Errorf("read %s's token: %w", name, err)
		}
		return client.New(client.Config{ShopDomain: name + ".myshopify.com", Endpoint: st.Endpoints[name],
			Token: strings.TrimSpace(string(token)), Logger: quiet})
	}
	handle := o.handle
	if handle == "" {
		var err error
		if handle, err = syncedHandle(ctx, st.Postgres); err != nil {
			return err
		}
	}
	title := o.title
	if title == "" {
		title = "Edited at " + time.Now().Format("15:04:05.000")
	}
	src, err := shopClient(demoSource)
	if err != nil {
		return err
	}
	found, err := client.Products(ctx, src, 1, nil, ptr("handle:"+handle), 1)
	if err != nil {
		return fmt.Errorf("find %s in %s: %w", handle, demoSource, err)
	}
	if len(found.Products.Nodes) == 0 {
		return fmt.Errorf("%s has no product with handle %q", demoSource, handle)
	}
	id := found.Products.Nodes[0].Id
	start := time.Now()
	if _, err := client.ProductUpdate(ctx, src, client.ProductUpdateInput{Id: &id, Title: &title}); err != nil {
		return fmt.Errorf("productUpdate in %s: %w", demoSource, err)
	}
	// The edit's own round trip is the floor the arrivals compare with.
	fmt.Fprintf(out, "edited %s in %s: title %q (productUpdate answered after %s)\n", handle, demoSource, title,
		time.Since(start).Round(time.Millisecond))

	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	dests := []string{demoEU, demoOutlet}
	lines := make([]string, len(dests))
	errs := make([]error, len(dests))
	var wg sync.WaitGroup
	for i, dest := range dests {
		c, err := shopClient(dest)
		if err != nil {
			return err
		}
		wg.Go(func() {
			took, err := waitForTitle(ctx, c, handle, title, start)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", dest, err)
				lines[i] = fmt.Sprintf("  %s: not there after %s", dest, time.Since(start).Round(time.Millisecond))
				return
			}
			lines[i] = fmt.Sprintf("  %s: arrived after %s", dest, took.Round(time.Millisecond))
		})
	}
	wg.Wait()
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
	return errors.Join(errs...)
}

// waitForTitle polls a destination's Admin API until its product with the
// handle has the title; it returns the time since start.
func waitForTitle(ctx context.Context, c *client.Client, handle, title string, start time.Time) (time.Duration, error) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	last := "(no product with that handle)"
	for {
		r, err := client.Products(ctx, c, 1, nil, ptr("handle:"+handle), 1)
		if err == nil && len(r.Products.Nodes) > 0 {
			last = r.Products.Nodes[0].Title
			if last == title {
				return time.Since(start), nil
			}
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("title still %q: %w", last, ctx.Err())
		case <-t.C:
		}
	}
}

// syncedHandle is the handle of an active source product paired in every
// enabled link.
func syncedHandle(ctx context.Context, databaseURL string) (string, error) {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return "", fmt.Errorf("connect to the demo's database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var handle string
	err = conn.QueryRow(ctx, `
		SELECT p.handle FROM products p JOIN stores s ON s.domain = p.store AND s.role = 'source'
		WHERE p.deleted_at IS NULL AND p.status = 'ACTIVE'
		  -- Paired on every enabled link, looked up by id_map's key (a count
		  -- by source GID alone read all of id_map per product: minutes
		  -- on the 10,000-product demo).
		  AND NOT EXISTS (
		      SELECT 1 FROM links l
		      WHERE l.enabled AND l.source_store = p.store
		        AND NOT EXISTS (SELECT 1 FROM id_map m
		                        WHERE m.link_id = l.id AND m.resource = 'product' AND m.source_gid = p.gid))
		ORDER BY p.handle LIMIT 1`).Scan(&handle)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", errors.New("no source product is synced to every destination yet: wait for the demo's summary, or give --handle")
	}
	if err != nil {
		return "", fmt.Errorf("choose a product: %w", err)
	}
	return handle, nil
}

func ptr[T any](v T) *T { return &v }
