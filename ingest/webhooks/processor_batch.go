package webhooks

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

var (
	//go:embed processor_claim.sql
	claimSQL string
	//go:embed processor_mark.sql
	markSQL string
)

const pendingSQL = `SELECT count(*) FROM webhook_deliveries WHERE status IN ('received', 'failed')`

// maxErrorText bounds the error text stored with a failed delivery.
const maxErrorText = 2000

// result is one delivery's outcome within a batch.
type result struct {
	d      Delivery
	status string // StatusProcessed, StatusIgnored or StatusFailed
	metric string // Apply* outcome
	err    error  // the Applier's, for failed and given-up deliveries
}

// ProcessBatch claims up to BatchSize deliveries that are due, applies each
// in the claiming transaction, records their outcomes and commits, and
// reports how many it claimed. A failing delivery fails alone (its savepoint
// is rolled back); an error returned here means the batch was rolled back
// whole (the database failed, or ctx ended) and its deliveries stay pending.
func (p *Processor) ProcessBatch(ctx context.Context) (int, error) {
	began := time.Now()
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("webhooks: begin batch: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit

	claimed, err := p.claim(ctx, tx)
	if err != nil {
		return 0, err
	}
	applyAt := time.Now()
	results, err := p.applyAll(ctx, tx, claimed)
	markAt := time.Now()
	if err != nil {
		return 0, err
	}
	if len(results) > 0 {
		if err := p.mark(ctx, tx, results); err != nil {
			return 0, err
		}
	}
	commitAt := time.Now()
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("webhooks: commit batch: %w", err)
	}
	if len(claimed) > 0 && p.log.Enabled(ctx, slog.LevelDebug) {
		// Where a batch's time went, for the webhook benchmark's stages.
		p.log.LogAttrs(ctx, slog.LevelDebug, "webhook batch committed", slog.Int("deliveries", len(claimed)),
			slog.Duration("claim", applyAt.Sub(began)), slog.Duration("apply", markAt.Sub(applyAt)),
			slog.Duration("mark", commitAt.Sub(markAt)), slog.Duration("commit", time.Since(commitAt)))
	}
	p.report(ctx, results)
	p.refreshPending(ctx)
	return len(claimed), nil
}

// batchSavepoint is the savepoint a batch applier's writes follow, to be
// rolled back to when it fails.
const batchSavepoint = "webhooks_batch"

// claim claims the batch's deliveries and sets batchSavepoint after the
// claim, in one round trip (a pipeline). The savepoint is never released:
// committing the transaction commits what followed it too.
func (p *Processor) claim(ctx context.Context, tx pgx.Tx) ([]Delivery, error) {
	b := &pgx.Batch{}
	b.Queue(claimSQL, p.backingOff(time.Now()), p.cfg.BatchSize)
	b.Queue("SAVEPOINT " + batchSavepoint)
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("webhooks: claim deliveries: %w", err)
	}
	claimed, err := pgx.CollectRows(rows, scanDelivery)
	if err != nil {
		return nil, fmt.Errorf("webhooks: claim deliveries: %w", err)
	}
	if _, err := br.Exec(); err != nil {
		return nil, fmt.Errorf("webhooks: savepoint: %w", err)
	}
	if err := br.Close(); err != nil {
		return nil, fmt.Errorf("webhooks: claim deliveries: %w", err)
	}
	return claimed, nil
}

func scanDelivery(row pgx.CollectableRow) (Delivery, error) {
	var d Delivery
	var triggered pgtype.Timestamptz
	err := row.Scan(&d.WebhookID, &d.Store, &d.Topic, &d.EventID, &d.APIVersion, &triggered, &d.ReceivedAt, &d.Attempts, &d.Payload)
	if triggered.Valid {
		d.TriggeredAt = triggered.Time
	}
	return d, err
}

// applyAll applies the claimed deliveries: all at once when the Applier
// can (BatchApplier), else, or when that fails, one by one. Only a failure
// of the transaction itself (or ctx ending) is returned as an error.
func (p *Processor) applyAll(ctx context.Context, tx pgx.Tx, claimed []Delivery) ([]result, error) {
	if ba, ok := p.applier.(BatchApplier); ok && len(claimed) > 1 {
		results, ok, err := p.applyBatch(ctx, tx, ba, claimed)
		if err != nil || ok {
			if ok {
				p.cfg.Metrics.batchApplied(BatchApplied)
			}
			return results, err
		}
	} else if len(claimed) > 0 {
		p.cfg.Metrics.batchApplied(BatchOneByOne)
	}
	results := make([]result, 0, len(claimed))
	for _, d := range claimed {
		r, err := p.applyOne(ctx, tx, d)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
	}
	return results, nil
}

// applyBatch applies every claimed delivery through one ApplyBatch call
// under batchSavepoint (set by claim); ok is false when the Applier failed
// (the transaction is rolled back to the savepoint and nothing of it
// remains), for the caller to go one by one.
func (p *Processor) applyBatch(ctx context.Context, tx pgx.Tx, ba BatchApplier, claimed []Delivery) (_ []result, ok bool, _ error) {
	outcomes, applyErr := p.safeApplyBatch(ctx, lentTx{tx}, ba, claimed)
	if ctx.Err() != nil {
		return nil, false, ctx.Err()
	}
	if applyErr == nil && len(outcomes) != len(claimed) {
		applyErr = fmt.Errorf("webhooks: batch applier returned %d outcomes for %d deliveries", len(outcomes), len(claimed))
	}
	if applyErr == nil && tx.Conn().PgConn().TxStatus() == 'E' {
		applyErr = fmt.Errorf("webhooks: batch applier left the transaction aborted after a failed statement")
	}
	results := make([]result, len(claimed))
	for i, d := range claimed {
		if applyErr != nil {
			break
		}
		switch outcomes[i] {
		case Processed:
			results[i] = result{d: d, status: StatusProcessed, metric: ApplyProcessed}
		case Ignored:
			results[i] = result{d: d, status: StatusIgnored, metric: ApplyIgnored}
		default:
			applyErr = fmt.Errorf("webhooks: batch applier returned invalid outcome %d", int(outcomes[i]))
		}
	}
	if applyErr != nil {
		if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT "+batchSavepoint); err != nil {
			return nil, false, fmt.Errorf("webhooks: roll back to savepoint: %w", err)
		}
		p.cfg.Metrics.batchApplied(BatchFellBack)
		p.log.LogAttrs(ctx, slog.LevelWarn, "webhook batch apply failed; applying its deliveries one by one",
			slog.Int("deliveries", len(claimed)), slog.String("error", errorText(applyErr)))
		return nil, false, nil
	}
	return results, true, nil
}

// lentTx is the claiming transaction as a batch applier gets it: its
// writes follow batchSavepoint, and ending the transaction is the
// Processor's, so Commit and Rollback are refused (the Applier contract
// forbids them; a nested Begin is a savepoint as usual).
type lentTx struct{ pgx.Tx }

func (lentTx) Commit(context.Context) error {
	return errors.New("webhooks: a batch applier must not commit the claiming transaction")
}

func (lentTx) Rollback(context.Context) error {
	return errors.New("webhooks: a batch applier must not roll back the claiming transaction")
}

// safeApplyBatch is safeApply for a batch.
func (p *Processor) safeApplyBatch(ctx context.Context, tx pgx.Tx, ba BatchApplier, ds []Delivery) (outcomes []Outcome, err error) {
	defer func() {
		if v := recover(); v != nil {
			p.log.LogAttrs(ctx, slog.LevelError, "webhook batch applier panicked",
				slog.Int("deliveries", len(ds)), slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			outcomes, err = nil, fmt.Errorf("webhooks: batch applier panicked: %v", v)
		}
	}()
	return ba.ApplyBatch(ctx, tx, ds)
}

// applyOne applies one delivery under a savepoint. Only a failure of the
// transaction itself (or ctx ending) is returned as an error; the Applier's
// failures are the result's.
func (p *Processor) applyOne(ctx context.Context, tx pgx.Tx, d Delivery) (result, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return result{}, fmt.Errorf("webhooks: savepoint: %w", err)
	}
	outcome, applyErr := p.safeApply(ctx, sp, d)
	if ctx.Err() != nil {
		// Not the delivery's fault: leave it pending for the next run.
		return result{}, ctx.Err()
	}
	if applyErr == nil && outcome != Processed && outcome != Ignored {
		applyErr = fmt.Errorf("webhooks: applier returned invalid outcome %d", int(outcome))
	}
	if applyErr == nil && tx.Conn().PgConn().TxStatus() == 'E' {
		applyErr = fmt.Errorf("webhooks: applier left the transaction aborted after a failed statement")
	}
	if applyErr != nil {
		if err := sp.Rollback(ctx); err != nil {
			return result{}, fmt.Errorf("webhooks: roll back to savepoint: %w", err)
		}
		return p.failed(d, applyErr), nil
	}
	if err := sp.Commit(ctx); err != nil {
		return result{}, fmt.Errorf("webhooks: release savepoint: %w", err)
	}
	if outcome == Ignored {
		return result{d: d, status: StatusIgnored, metric: ApplyIgnored}, nil
	}
	return result{d: d, status: StatusProcessed, metric: ApplyProcessed}, nil
}

// safeApply calls the Applier, turning a panic into the delivery's failure so
// that one poisonous payload cannot crash every processor in turn.
func (p *Processor) safeApply(ctx context.Context, tx pgx.Tx, d Delivery) (outcome Outcome, err error) {
	defer func() {
		if v := recover(); v != nil {
			p.log.LogAttrs(ctx, slog.LevelError, "webhook applier panicked",
				slog.String("webhook_id", d.WebhookID), slog.String("topic", d.Topic),
				slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			outcome, err = 0, fmt.Errorf("webhooks: applier panicked: %v", v)
		}
	}()
	return p.applier.Apply(ctx, tx, d)
}

// failed is the result of a failed attempt: failed, or ignored once
// MaxAttempts is spent.
func (p *Processor) failed(d Delivery, err error) result {
	if p.cfg.MaxAttempts > 0 && d.Attempts+1 >= p.cfg.MaxAttempts {
		return result{d: d, status: StatusIgnored, metric: ApplyGaveUp,
			err: fmt.Errorf("gave up after %d attempts: %w", d.Attempts+1, err)}
	}
	return result{d: d, status: StatusFailed, metric: ApplyFailed, err: err}
}

func (p *Processor) mark(ctx context.Context, tx pgx.Tx, results []result) error {
	ids := make([]string, len(results))
	statuses := make([]string, len(results))
	errs := make([]string, len(results))
	for i, r := range results {
		ids[i], statuses[i] = r.d.WebhookID, r.status
		if r.err != nil {
			errs[i] = errorText(r.err)
		}
	}
	if _, err := tx.Exec(ctx, markSQL, ids, statuses, errs); err != nil {
		return fmt.Errorf("webhooks: record outcomes: %w", err)
	}
	return nil
}

// errorText is an error as the inbox stores it: valid UTF-8 without NULs
// (which a text column refuses, and which would then fail the whole batch
// over and over), and bounded.
func errorText(err error) string {
	s := strings.ToValidUTF8(err.Error(), "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if len(s) > maxErrorText {
		s = strings.ToValidUTF8(s[:maxErrorText], "") + "…"
	}
	return s
}

// report updates backoff, metrics and the log after a batch committed.
func (p *Processor) report(ctx context.Context, results []result) {
	now := time.Now()
	for _, r := range results {
		p.cfg.Metrics.appliedOne(r.d.Topic, r.metric)
		if r.status != StatusFailed {
			p.settled(r.d.WebhookID)
			level := slog.LevelDebug
			if r.err != nil {
				level = slog.LevelWarn // given up
			}
			p.log.LogAttrs(ctx, level, "webhook "+r.metric, deliveryAttrs(r.d, r.err)...)
			continue
		}
		delay := p.cfg.Retry.Delay(r.d.Attempts + 1)
		p.retryAfter(r.d.WebhookID, now.Add(delay))
		p.log.LogAttrs(ctx, slog.LevelWarn, "webhook apply failed; will retry",
			append(deliveryAttrs(r.d, r.err), slog.Duration("retry_in", delay))...)
	}
}

func deliveryAttrs(d Delivery, err error) []slog.Attr {
	attrs := []slog.Attr{
		slog.String("webhook_id", d.WebhookID), slog.String("shop", d.Store),
		slog.String("topic", d.Topic), slog.Int("attempt", d.Attempts+1),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", errorText(err)))
	}
	return attrs
}

// refreshPending recounts the pending deliveries for the gauge, at most once
// per poll interval: the count reads the whole queue.
func (p *Processor) refreshPending(ctx context.Context) {
	if p.cfg.Metrics == nil {
		return
	}
	p.mu.Lock()
	due := time.Since(p.pendingAt) >= p.cfg.PollInterval
	if due {
		p.pendingAt = time.Now()
	}
	p.mu.Unlock()
	if !due {
		return
	}
	var n int64
	if err := p.pool.QueryRow(ctx, pendingSQL).Scan(&n); err != nil {
		if ctx.Err() == nil {
			p.log.LogAttrs(ctx, slog.LevelWarn, "webhook processor could not count pending deliveries", slog.String("error", err.Error()))
		}
		return
	}
	p.cfg.Metrics.setPending(n)
}
