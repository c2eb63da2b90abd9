package fakeshop

import "slices"

// table holds one resource type of one shop: records by id plus the ids in
// ascending order. Ids are issued in increasing order, so appending keeps the
// order and the default sort (by id) needs no sorting at read time.
type table[T any] struct {
	byID map[int64]*T
	ids  []int64
}

func newTable[T any]() *table[T] { return &table[T]{byID: map[int64]*T{}} }

func (t *table[T]) get(id int64) *T { return t.byID[id] }

// put stores rec under id, inserting id in order if it is new.
func (t *table[T]) put(id int64, rec *T) {
	if _, ok := t.byID[id]; !ok {
		if n := len(t.ids); n == 0 || t.ids[n-1] < id {
			t.ids = append(t.ids, id)
		} else {
			i, _ := slices.BinarySearch(t.ids, id)
			t.ids = slices.Insert(t.ids, i, id)
		}
	}
	t.byID[id] = rec
}

func (t *table[T]) remove(id int64) {
	if _, ok := t.byID[id]; !ok {
		return
	}
	delete(t.byID, id)
	if i, found := slices.BinarySearch(t.ids, id); found {
		t.ids = slices.Delete(t.ids, i, i+1)
	}
}

func (t *table[T]) len() int { return len(t.ids) }

// all returns the records in id order. The slice is a copy; the records are
// immutable, so the caller may use them after the lock is released.
func (t *table[T]) all() []*T {
	out := make([]*T, len(t.ids))
	for i, id := range t.ids {
		out[i] = t.byID[id]
	}
	return out
}
