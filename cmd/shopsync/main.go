// Command shopsync is the one binary of shopsync: it migrates the databases, runs
// the Shopify emulator, ingests stores into the mirror, plans and applies deltas,
// and verifies that destinations match their source. `shopsync --help` lists the
// subcommands; each has its own --help.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCommand().ExecuteContext(ctx); err != nil {
		if !errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "shopsync:", err)
		}
		os.Exit(1)
	}
}
