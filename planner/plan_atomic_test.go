package planner_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
)

// A plan's statements run as one transaction without a BEGIN of their own
// (planner.go, planLink): when one fails, the ones before it are undone. Here
// the insert of the newer delta fails after the supersession of the older
// one ran: the older delta must still be pending, for a full run and for an
// incremental one.
func TestFailedPlanLeavesNothingBehind(t *testing.T) {
	f := newFixture(t, "handle", nil)
	s := shirt("10", "blue")
	f.put(src, s)
	d := twin(s, "90")
	d.Title = "Old"
	f.put(dst, d)
	f.plan()
	old := f.one()

	f.exec(`CREATE FUNCTION refuse_delta() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'test: delta refused'; END $$`)
	f.exec(`CREATE TRIGGER refuse_delta BEFORE INSERT ON plan_deltas FOR EACH ROW EXECUTE FUNCTION refuse_delta()`)
	s.Title = "Newer title"
	f.put(src, s)

	_, err := f.p.Plan(f.ctx, planner.Options{})
	require.ErrorContains(t, err, "test: delta refused")
	_, err = f.p.PlanKeys(f.ctx, f.link, "product", []string{s.Handle})
	require.ErrorContains(t, err, "test: delta refused")

	pending := f.pending()
	require.Len(t, pending, 1, "the older delta is still the one pending")
	require.Equal(t, old.ID, pending[0].ID)
	require.Equal(t, "Shirt blue", pending[0].Desired["title"])
	var superseded int
	f.scan([]any{&superseded}, `SELECT count(*) FROM plan_deltas WHERE status = 'superseded'`)
	require.Zero(t, superseded)

	// The same connections plan again once the cause is gone.
	f.exec(`DROP TRIGGER refuse_delta ON plan_deltas`)
	f.plan()
	require.Equal(t, "Newer title", f.one().Desired["title"])
}
