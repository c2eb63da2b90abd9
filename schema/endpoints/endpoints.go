// Package endpoints names where shopsync finds its services: PostgreSQL, ClickHouse
// and Kafka. Each comes from an environment variable and defaults to what
// `make services` starts on 127.0.0.1 (deploy/local/services.sh), so a developer
// and CI need no configuration, and an operator overrides one variable at a time.
package endpoints

import (
	"os"
	"strings"
)

// Default ports used by deploy/local/services.sh. They are unusual on purpose, so
// that the local services never collide with a PostgreSQL or Kafka a developer
// already runs. Each can be overridden with the variable named beside it.
const (
	DefaultPostgresPort       = "25432" // SHOPSYNC_PG_PORT
	DefaultClickHousePort     = "29000" // SHOPSYNC_CH_PORT (native protocol)
	DefaultClickHouseHTTPPort = "28123" // SHOPSYNC_CH_HTTP_PORT
	DefaultKafkaPort          = "29092" // SHOPSYNC_KAFKA_PORT
)

// Postgres returns DATABASE_URL, or the local PostgreSQL that `make services` starts.
func Postgres() string {
	if v := strings.TrimSpace(os.Getenv("DATABASE_URL")); v != "" {
		return v
	}
	return "postgres://shopsync@127.0.0.1:" + port("SHOPSYNC_PG_PORT", DefaultPostgresPort) + "/shopsync?sslmode=disable"
}

// ClickHouse returns CLICKHOUSE_DSN, or the local ClickHouse that `make services` starts.
func ClickHouse() string {
	if v := strings.TrimSpace(os.Getenv("CLICKHOUSE_DSN")); v != "" {
		return v
	}
	return "clickhouse://127.0.0.1:" + port("SHOPSYNC_CH_PORT", DefaultClickHousePort) + "/shopsync"
}

// KafkaBrokers returns the brokers listed in KAFKA_BROKERS (comma separated) and
// true, or nil and false when the variable is unset: `shopsync run` and `demo`
// then start an embedded in-process broker.
func KafkaBrokers() ([]string, bool) {
	v := strings.TrimSpace(os.Getenv("KAFKA_BROKERS"))
	if v == "" {
		return nil, false
	}
	var out []string
	for _, b := range strings.Split(v, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out, len(out) > 0
}

// LocalKafkaBrokers is the broker that `make services` starts; tests use it when
// KAFKA_BROKERS is unset, since they must talk to the real broker.
func LocalKafkaBrokers() []string {
	if b, ok := KafkaBrokers(); ok {
		return b
	}
	return []string{"127.0.0.1:" + port("SHOPSYNC_KAFKA_PORT", DefaultKafkaPort)}
}

func port(env, def string) string {
	if v := strings.TrimSpace(os.Getenv(env)); v != "" {
		return v
	}
	return def
}
