package planner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/segmentio/kafka-go"

	"github.com/shopsync/shopsync/schema/events"
)

// DefaultGroupID is the Kafka consumer group of the planners: the members
// share the partitions, so each change is planned by one of them.
const DefaultGroupID = "shopsync-planner"

// ConsumerConfig configures a Consumer.
type ConsumerConfig struct {
	// Brokers are the Kafka brokers (required).
	Brokers []string
	// GroupID is the consumer group; default DefaultGroupID.
	GroupID string
	// Topics are the change topics read; default those of the families the
	// planner plans (products, inventory, orders).
	Topics []string
	// MaxBatch is how many events one incremental plan takes at most;
	// default 1000. A batch replans content and orders of every link it
	// touches whatever its size, so larger batches catch up faster, but a
	// scoped plan of thousands of keys is slower than a full plan.
	MaxBatch int
	// Linger is how long a batch waits for more events after its first one;
	// default 20ms. Events come in bursts (a webhook touches a product and
	// its variants): one plan for the burst is cheaper than one per event.
	Linger time.Duration
	// FullPlanAbove: a link with more keys than this in one batch (a bulk
	// snapshot, say) gets a full plan instead; default 5000.
	FullPlanAbove int
	// Covered, when set, are end offsets read (EndOffsets) before a full
	// plan that succeeded: the events below them are committed without
	// being planned again. A new group starts at the topics' first offsets,
	// so without it a planner started after a snapshot of thousands of
	// products plans every one of them once more, and a live change waits
	// behind them (consumer_covered.go).
	Covered Offsets
	// CatchUpAbove: when more events to plan than this wait in Kafka
	// behind a batch, the consumer runs one full plan instead and skips
	// every event that was in Kafka when it began (consumer_covered.go);
	// default 2000. The applier's own changes do not count (farBehind).
	CatchUpAbove int
}

func (c ConsumerConfig) withDefaults() (ConsumerConfig, error) {
	if len(c.Brokers) == 0 {
		return c, errors.New("planner: consumer: no Kafka brokers")
	}
	if c.GroupID == "" {
		c.GroupID = DefaultGroupID
	}
	if len(c.Topics) == 0 {
		c.Topics = []string{events.Products.Topic(), events.Inventory.Topic(), events.Orders.Topic()}
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 1000
	}
	if c.CatchUpAbove <= 0 {
		c.CatchUpAbove = 2000
	}
	if c.Linger <= 0 {
		c.Linger = 20 * time.Millisecond
	}
	if c.FullPlanAbove <= 0 {
		c.FullPlanAbove = 5000
	}
	return c, nil
}

// Consumer is the fast path of planning: it reads the mirror's change events
// from Kafka and plans the keys they affect (PlanKeys). It commits a batch's
// offsets only after its plans are committed in Postgres, so a crash replans
// a batch rather than losing it; replanning is idempotent.
type Consumer struct {
	p   *Planner
	cfg ConsumerConfig
}

// NewConsumer returns a Consumer planning with p.
func NewConsumer(p *Planner, cfg ConsumerConfig) (*Consumer, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Consumer{p: p, cfg: cfg}, nil
}

// Run consumes until ctx is done (then it returns nil) or committing offsets
// fails. Kafka unreachable is waited out (logged, counted, fetched again
// after a growing wait); a batch whose plan fails (Postgres down) is retried
// with backoff, never skipped; an event that cannot be decoded is logged and
// skipped.
func (c *Consumer) Run(ctx context.Context) error {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:     c.cfg.Brokers,
		GroupID:     c.cfg.GroupID,
		GroupTopics: c.cfg.Topics,
		StartOffset: kafka.FirstOffset,
		// An event is fetched as soon as it is in Kafka: the broker answers
		// a fetch once it has one byte (MinBytes), and holds an empty fetch
		// for at most MaxWait. Offsets are committed by Run, synchronously,
		// after the batch's plans (CommitInterval 0).
		MinBytes: 1,
		MaxBytes: 10 << 20,
		MaxWait:  250 * time.Millisecond,
	})
	defer r.Close()
	// Scoped plans are planned once per connection: keep the statistics
	// they are planned with current (statistics.go).
	statsCtx, stopStats := context.WithCancel(ctx)
	var stats sync.WaitGroup
	stats.Add(1)
	go func() { defer stats.Done(); c.p.keepStatistics(statsCtx, statisticsEvery) }()
	defer func() { stopStats(); stats.Wait() }()
	// Kafka down is not the planner's failure: the periodic full plan keeps
	// converging from the mirror, and the consumer fetches again after a
	// growing wait, picking up at the group's committed offsets.
	down := backoff.NewExponentialBackOff()
	down.MaxInterval = 30 * time.Second
	for {
		msgs, err := c.fetch(ctx, r)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			wait := down.NextBackOff()
			c.p.log.Warn("planner: consumer: Kafka unavailable, fetching again later", "err", err, "in", wait)
			c.p.countFetchError()
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(wait):
			}
			continue
		}
		down.Reset()
		todo := c.uncovered(msgs)
		evs := c.decode(todo)
		if c.farBehind(msgs, evs) && c.catchUp(ctx) {
			evs = c.decode(c.uncovered(todo)) // none now: the full plan covered them
		}
		began := time.Now()
		_, err = backoff.Retry(ctx, func() (struct{}, error) {
			return struct{}{}, c.plan(ctx, evs)
		}, backoff.WithMaxElapsedTime(0), backoff.WithNotify(func(err error, next time.Duration) {
			c.p.log.Warn("planner: incremental plan failed, retrying", "err", err, "in", next)
		}))
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		if err := r.CommitMessages(ctx, msgs...); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("planner: consumer: commit offsets: %w", err)
		}
		if took := time.Since(began); took > slowBatch {
			// Events wait behind a slow batch: say so, with what is left.
			c.p.log.Info("planner: consumer: slow batch", "events", len(msgs), "planned", len(evs),
				"took", took, "behind", c.backlog(msgs))
		}
	}
}

// slowBatch is how long planning a batch may take before it is logged.
const slowBatch = time.Second

// fetch waits for one message, then takes what else arrives within Linger,
// up to MaxBatch.
func (c *Consumer) fetch(ctx context.Context, r *kafka.Reader) ([]kafka.Message, error) {
	m, err := r.FetchMessage(ctx)
	if err != nil {
		return nil, err
	}
	msgs := []kafka.Message{m}
	lctx, cancel := context.WithTimeout(ctx, c.cfg.Linger)
	defer cancel()
	for len(msgs) < c.cfg.MaxBatch {
		m, err := r.FetchMessage(lctx)
		if err != nil {
			break // the linger is over (or ctx is done: Run sees it)
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

func (c *Consumer) decode(msgs []kafka.Message) []events.ChangeEvent {
	evs := make([]events.ChangeEvent, 0, len(msgs))
	for _, m := range msgs {
		e, err := events.Decode(m.Value)
		if err != nil {
			// A malformed event cannot become valid by waiting; the
			// periodic full plan covers whatever it changed.
			c.p.log.Error("planner: skipping undecodable change event", "topic", m.Topic,
				"partition", m.Partition, "offset", m.Offset, "err", err)
			continue
		}
		evs = append(evs, e)
	}
	return evs
}

// plan plans the keys a batch of events affects. The links are planned at
// once, each in its own transaction under its own lock, so that a change
// reaches every destination in the time of one plan rather than of one per
// link (and one link's plan waiting behind a full plan holds up no other).
func (c *Consumer) plan(ctx context.Context, evs []events.ChangeEvent) error {
	if len(evs) == 0 {
		return nil
	}
	lks, err := c.p.KeysFor(ctx, evs)
	if err != nil {
		return err
	}
	errs := make([]error, 2+len(lks))
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = c.p.PlanOrderEvents(ctx, evs) })   // orders_events.go
	wg.Go(func() { errs[1] = c.p.PlanContentEvents(ctx, evs) }) // content_events.go
	for i, lk := range lks {
		wg.Go(func() { errs[2+i] = c.planLinkKeys(ctx, lk) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// planLinkKeys plans one link's changed keys: incrementally, or fully when
// they are many.
func (c *Consumer) planLinkKeys(ctx context.Context, lk LinkKeys) error {
	if len(lk.Keys) > c.cfg.FullPlanAbove {
		c.p.log.Info("planner: many keys changed, planning the link fully", "link", lk.Link.ID,
			"destination", lk.Link.Destination, "keys", len(lk.Keys))
		_, err := c.p.Plan(ctx, Options{Destination: lk.Link.Destination})
		return err
	}
	lr, err := c.p.PlanKeys(ctx, lk.Link.ID, "product", lk.Keys)
	if err != nil {
		return err
	}
	c.p.log.Debug("planner: incremental plan", "link", lk.Link.ID, "destination", lk.Link.Destination,
		"keys", len(lk.Keys), "inserted", Total(lr.Inserted), "superseded", lr.Superseded)
	return nil
}

// RunPeriodic runs a full plan now and then every interval until ctx is
// done: the slow path that converges whatever the events missed. A failed
// plan is logged and tried again at the next tick.
func (p *Planner) RunPeriodic(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		r, err := p.Plan(ctx, Options{})
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			p.log.Error("planner: full plan failed", "err", err)
		default:
			for _, l := range r.Links {
				p.log.Info("planner: full plan", "run", r.RunID, "destination", l.Destination,
					"planned", Total(l.Planned), "inserted", Total(l.Inserted), "superseded", l.Superseded,
					"conflicts", l.ConflictCount, "duration", r.Duration)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
