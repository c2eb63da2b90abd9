package main

import "github.com/spf13/cobra"

// The subcommands below belong to issues that are still open. Each is declared so
// that `shopsync --help` shows the whole tool, and each fails clearly when run.
// A subcommand moves to a file of its own when its issue is built.

func newRunCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run the whole pipeline: ingest, plan and apply (not built yet: issue #10)",
		RunE:  notYetBuilt(10),
	}
}

func newDemoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Run the pipeline against fakeshop with seeded stores (not built yet: issue #10)",
		RunE:  notYetBuilt(10),
	}
}

func newVerifyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Compare a source with its destinations and report drift (not built yet: issue #10)",
		RunE:  notYetBuilt(10),
	}
}
