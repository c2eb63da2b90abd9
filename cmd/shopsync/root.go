package main

import "github.com/spf13/cobra"

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "shopsync",
		Short: "Keep many Shopify stores in step through a local PostgreSQL mirror",
		Long: `shopsync mirrors Shopify stores into PostgreSQL (bulk snapshots and webhooks),
publishes every mirror change to Kafka, plans per-destination deltas with SQL,
applies them through the Admin GraphQL API under its rate limit, and records
every write in ClickHouse for audit.

Services are found through DATABASE_URL, CLICKHOUSE_DSN and KAFKA_BROKERS, which
default to what 'make services' starts on 127.0.0.1.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newMigrateCommand(),
		newFakeshopCommand(),
		newIngestCommand(),
		newPlanCommand(),
		newApplyCommand(),
		newRunCommand(),
		newDemoCommand(),
		newVerifyCommand(),
		newStatusCommand(),
	)
	return root
}
