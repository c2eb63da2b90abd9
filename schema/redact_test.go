package schema_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema"
)

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"postgres://shopsync:s3cret@127.0.0.1:25432/shopsync?sslmode=disable": "postgres://shopsync:xxxxx@127.0.0.1:25432/shopsync?sslmode=disable",
		"postgres://shopsync@127.0.0.1:25432/shopsync":                        "postgres://shopsync@127.0.0.1:25432/shopsync",
		"clickhouse://default:s3cret@127.0.0.1:29000/shopsync":                "clickhouse://default:xxxxx@127.0.0.1:29000/shopsync",
		"clickhouse://127.0.0.1:29000/shopsync?username=u&password=s3cret":    "clickhouse://127.0.0.1:29000/shopsync?password=xxxxx&username=u",
		"host=127.0.0.1 user=shopsync password=s3cret dbname=shopsync":        "host=127.0.0.1 user=shopsync password=xxxxx dbname=shopsync",
		"host=127.0.0.1 password='s3 cret' dbname=shopsync":                   "host=127.0.0.1 password=xxxxx dbname=shopsync",
		"postgres://u:s3cret@[::1":                                            "(unparsable connection string)",
	}
	for in, want := range cases {
		got := schema.Redact(in)
		require.Equal(t, want, got, in)
		require.NotContains(t, got, "s3")
	}
}
