package verify

import (
	"context"
	"fmt"
	"sort"

	"golang.org/x/sync/errgroup"

	"github.com/shopsync/shopsync/shopify/client"
)

// Options say what Run compares.
type Options struct {
	// Destination limits the run to the link to this store domain; empty
	// compares every enabled link.
	Destination string
	// Clients read the stores through the Admin API, by domain. Nil (or a
	// store missing from it) compares through the mirror only.
	Clients map[string]*client.Client
	// SpillDir holds the bulk results' out-of-order lines; empty means the
	// system's temporary directory.
	SpillDir string
}

// LinkResult is one link's verification.
type LinkResult struct {
	LinkID      int64  `json:"link_id"`
	Source      string `json:"source"`
	Destination string `json:"destination"`
	MatchKey    string `json:"match_key"`
	// Mirror and API count what each path compared; API is nil when the
	// stores were not read through the API.
	Mirror *Counts  `json:"mirror"`
	API    *Counts  `json:"api,omitempty"`
	Drift  []Drift  `json:"-"`
	Fields []string `json:"drift_fields,omitempty"`
}

// Result is a whole verification.
type Result struct {
	Links []LinkResult
}

// DriftCount is the number of differences found, through either path.
func (r *Result) DriftCount() int {
	n := 0
	for _, l := range r.Links {
		n += len(l.Drift)
	}
	return n
}

// Run compares each enabled link's source with its destination through the
// mirror, and through the API for the stores opts.Clients reach.
func Run(ctx context.Context, db Querier, opts Options) (*Result, error) {
	links, err := LoadLinks(ctx, db, opts.Destination)
	if err != nil {
		return nil, err
	}
	if len(links) == 0 {
		if opts.Destination != "" {
			return nil, fmt.Errorf("verify: no enabled link to destination %q", opts.Destination)
		}
		return nil, fmt.Errorf("verify: no enabled links")
	}
	// The locations each store is read at: a source's are its links'
	// source locations, a destination's its link's destination locations.
	locations := map[string]map[string]bool{}
	addLoc := func(store, loc string) {
		if locations[store] == nil {
			locations[store] = map[string]bool{}
		}
		locations[store][loc] = true
	}
	for _, l := range links {
		addLoc(l.Source, "")
		addLoc(l.Destination, "")
		for s, d := range l.Locations {
			addLoc(l.Source, s)
			addLoc(l.Destination, d)
		}
	}
	stores := make([]string, 0, len(locations))
	for s := range locations {
		stores = append(stores, s)
	}
	sort.Strings(stores)
	locs := func(store string) []string {
		var out []string
		for l := range locations[store] {
			if l != "" {
				out = append(out, l)
			}
		}
		return out
	}

	mirror := map[string]*Catalog{}
	for _, s := range stores {
		if mirror[s], err = LoadMirror(ctx, db, s, locs(s)); err != nil {
			return nil, err
		}
	}
	api := map[string]*Catalog{}
	g, gctx := errgroup.WithContext(ctx)
	results := make([]*Catalog, len(stores))
	for i, s := range stores {
		c := opts.Clients[s]
		if c == nil {
			continue
		}
		g.Go(func() error {
			cat, err := LoadAPI(gctx, c, opts.SpillDir, locs(s))
			results[i] = cat
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, s := range stores {
		if results[i] != nil {
			api[s] = results[i]
		}
	}

	out := &Result{}
	for _, l := range links {
		lr := LinkResult{LinkID: l.ID, Source: l.Source, Destination: l.Destination, MatchKey: l.MatchKey}
		paths := []struct {
			via      string
			src, dst *Catalog
			counts   **Counts
		}{
			{"mirror", mirror[l.Source], mirror[l.Destination], &lr.Mirror},
			{"api", api[l.Source], api[l.Destination], &lr.API},
		}
		for _, p := range paths {
			if p.src == nil || p.dst == nil {
				continue
			}
			price, compareAt, err := prices(ctx, db, l.ID, amounts(p.src))
			if err != nil {
				return nil, err
			}
			c := &comparison{link: l, via: p.via, src: p.src, dst: p.dst, price: price, compareAt: compareAt}
			c.run()
			counts := c.counts
			*p.counts = &counts
			lr.Drift = append(lr.Drift, c.drift...)
		}
		seen := map[string]bool{}
		for _, d := range lr.Drift {
			if !seen[d.Field] {
				seen[d.Field] = true
				lr.Fields = append(lr.Fields, d.Field)
			}
		}
		sort.Strings(lr.Fields)
		out.Links = append(out.Links, lr)
	}
	return out, nil
}

// amounts are the distinct prices and compare-at prices of a catalog.
func amounts(c *Catalog) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range c.Products {
		for _, v := range p.Variants {
			for _, a := range []string{v.Price, v.CompareAtPrice} {
				if a != "" && !seen[a] {
					seen[a] = true
					out = append(out, a)
				}
			}
		}
	}
	return out
}
