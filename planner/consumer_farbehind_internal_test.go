package planner

import (
	"testing"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/events"
)

// A consumer catches up with a full plan when the events to plan behind a
// batch are many; the applier's own changes, sampled from the batch, do not
// count.
func TestFarBehindCountsOnlyEventsToPlan(t *testing.T) {
	c := &Consumer{cfg: ConsumerConfig{CatchUpAbove: 2000}}
	// A batch of 100 events at offsets 0-99 of one partition, 10,000 more
	// waiting behind it.
	batch := func(applier int) ([]kafka.Message, []events.ChangeEvent) {
		var msgs []kafka.Message
		var evs []events.ChangeEvent
		for i := range 100 {
			msgs = append(msgs, kafka.Message{Topic: "t", Partition: 0, Offset: int64(i), HighWaterMark: 10_100})
			src := events.Webhook
			if i < applier {
				src = events.Applier
			}
			evs = append(evs, events.ChangeEvent{Source: src})
		}
		return msgs, evs
	}
	msgs, evs := batch(0)
	require.True(t, c.farBehind(msgs, evs), "10,000 events to plan wait")
	msgs, evs = batch(95)
	require.False(t, c.farBehind(msgs, evs), "about 500 of the 10,000 are to plan")
	msgs, evs = batch(70)
	require.True(t, c.farBehind(msgs, evs), "about 3,000 of the 10,000 are to plan")
	msgs, evs = batch(0)
	for i := range msgs {
		msgs[i].HighWaterMark = 1_100
	}
	require.False(t, c.farBehind(msgs, evs), "1,000 wait")
}
