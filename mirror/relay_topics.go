package mirror

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/shopsync/shopsync/schema/events"
)

// createTopics creates the family topics that do not exist yet, through the
// cluster's controller.
func (r *Relay) createTopics(ctx context.Context) error {
	d := &kafka.Dialer{Timeout: 5 * time.Second}
	var conn *kafka.Conn
	var err error
	for _, b := range r.cfg.Brokers {
		if conn, err = d.DialContext(ctx, "tcp", b); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("create topics: dial %v: %w", r.cfg.Brokers, err)
	}
	defer conn.Close()
	ctrl, err := conn.Controller()
	if err != nil {
		return fmt.Errorf("create topics: find controller: %w", err)
	}
	cc, err := d.DialContext(ctx, "tcp", fmt.Sprintf("%s:%d", ctrl.Host, ctrl.Port))
	if err != nil {
		return fmt.Errorf("create topics: dial controller: %w", err)
	}
	defer cc.Close()
	for _, f := range events.Families() {
		// One topic per request: an existing topic fails only its own.
		err := cc.CreateTopics(kafka.TopicConfig{
			Topic: r.cfg.topic(f), NumPartitions: r.cfg.Partitions, ReplicationFactor: r.cfg.ReplicationFactor,
		})
		if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", r.cfg.topic(f), err)
		}
	}
	return nil
}
