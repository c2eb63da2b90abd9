package kafkabroker_test

import (
	"testing"

	"github.com/shopsync/shopsync/schema/endpoints"
)

// The same round trip against the real Apache Kafka broker that `make services`
// starts (or KAFKA_BROKERS): what passes on the embedded broker must pass there.
func TestLocalBrokerRoundTrip(t *testing.T) {
	roundTrip(t, endpoints.LocalKafkaBrokers())
}
