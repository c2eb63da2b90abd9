package planner

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/shopsync/shopsync/schema/events"
)

// Offsets are Kafka offsets by topic and partition.
type Offsets map[string]map[int]int64

// EndOffsets reads the end offsets of the topics' partitions: the offset the
// next event published to each will have. Read before a full plan begins,
// they mark what the plan covers (ConsumerConfig.Covered): an event below
// them was acknowledged by Kafka before the plan began, so its mirror change
// had committed before the relay took it, and the plan read it.
func EndOffsets(ctx context.Context, brokers []string, topics []string) (Offsets, error) {
	tr := &kafka.Transport{DialTimeout: 5 * time.Second}
	defer tr.CloseIdleConnections()
	c := &kafka.Client{Addr: kafka.TCP(brokers...), Transport: tr, Timeout: 30 * time.Second}
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
	if err != nil {
		return nil, fmt.Errorf("planner: read the change topics' partitions: %w", err)
	}
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for _, t := range md.Topics {
		if t.Error != nil {
			return nil, fmt.Errorf("planner: read topic %s's partitions: %w", t.Name, t.Error)
		}
		for _, p := range t.Partitions {
			req.Topics[t.Name] = append(req.Topics[t.Name], kafka.LastOffsetOf(p.ID))
		}
	}
	res, err := c.ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("planner: read the change topics' end offsets: %w", err)
	}
	out := Offsets{}
	for topic, ps := range res.Topics {
		out[topic] = map[int]int64{}
		for _, p := range ps {
			if p.Error != nil {
				return nil, fmt.Errorf("planner: read the end offset of %s/%d: %w", topic, p.Partition, p.Error)
			}
			out[topic][p.Partition] = p.LastOffset
		}
	}
	return out, nil
}

// catchUp runs a full plan of every link, and marks as covered what was in
// Kafka when it began: a consumer far behind skips its backlog instead of
// planning it a batch at a time. false when either step failed (the batch
// is then planned as usual).
func (c *Consumer) catchUp(ctx context.Context) bool {
	ends, err := EndOffsets(ctx, c.cfg.Brokers, c.cfg.Topics)
	if err != nil {
		c.p.log.Warn("planner: consumer: cannot catch up with a full plan", "err", err)
		return false
	}
	start := time.Now()
	if _, err := c.p.Plan(ctx, Options{}); err != nil {
		if ctx.Err() == nil {
			c.p.log.Warn("planner: consumer: the full plan to catch up failed", "err", err)
		}
		return false
	}
	c.p.log.Info("planner: consumer: far behind, caught up with a full plan", "took", time.Since(start))
	if c.cfg.Covered == nil {
		c.cfg.Covered = Offsets{}
	}
	for topic, ps := range ends {
		if c.cfg.Covered[topic] == nil {
			c.cfg.Covered[topic] = map[int]int64{}
		}
		for p, end := range ps {
			c.cfg.Covered[topic][p] = max(c.cfg.Covered[topic][p], end)
		}
	}
	return true
}

// farBehind tells whether the events waiting behind a batch are enough to
// plan that one full plan is cheaper. The batch is the sample of what waits:
// only the share of its events not written by the applier counts, because
// a destination being filled sends tens of thousands of the applier's own
// changes (a product, its variants, their items and levels), which plan
// nothing there (KeysFor), and a full plan for them would be all waste.
func (c *Consumer) farBehind(msgs []kafka.Message, evs []events.ChangeEvent) bool {
	waiting := c.backlog(msgs)
	if len(msgs) == 0 || waiting <= int64(c.cfg.CatchUpAbove) {
		return false
	}
	others := 0
	for _, e := range evs {
		if e.Source != events.Applier {
			others++
		}
	}
	return waiting*int64(others)/int64(len(msgs)) > int64(c.cfg.CatchUpAbove)
}

// backlog is how many events not covered yet wait in Kafka after a batch:
// per partition, its high-water mark at the fetch less the batch's next
// offset or the covered end, whichever is further.
func (c *Consumer) backlog(msgs []kafka.Message) int64 {
	type tp struct {
		topic     string
		partition int
	}
	last := map[tp]kafka.Message{}
	for _, m := range msgs {
		last[tp{m.Topic, m.Partition}] = m
	}
	var n int64
	for k, m := range last {
		next := max(m.Offset+1, c.cfg.Covered[k.topic][k.partition])
		n += max(0, m.HighWaterMark-next)
	}
	return n
}

// covered tells whether a full plan that began after the event was in
// Kafka already planned what it changed (ConsumerConfig.Covered).
func (c *Consumer) covered(m kafka.Message) bool {
	end, ok := c.cfg.Covered[m.Topic][m.Partition]
	return ok && m.Offset < end
}

// uncovered drops the events a full plan covered; they are committed with
// the rest, never planned.
func (c *Consumer) uncovered(msgs []kafka.Message) []kafka.Message {
	if len(c.cfg.Covered) == 0 {
		return msgs
	}
	out := make([]kafka.Message, 0, len(msgs))
	for _, m := range msgs {
		if !c.covered(m) {
			out = append(out, m)
		}
	}
	if skipped := len(msgs) - len(out); skipped > 0 {
		c.p.log.Debug("planner: consumer: skipping events the first full plan covered", "events", skipped)
	}
	return out
}
