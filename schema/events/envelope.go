package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Operation is what happened to the mirror row.
type Operation string

// The operations. A delete is a tombstone in the mirror (deleted_at set).
const (
	Create Operation = "create"
	Update Operation = "update"
	Delete Operation = "delete"
)

// Source is what made the mirror change.
type Source string

// The sources.
const (
	Bulk      Source = "bulk"      // a bulk-operation snapshot
	Webhook   Source = "webhook"   // a webhook delivery
	Reconcile Source = "reconcile" // a reconciliation pass, or a re-read of a store
	// Applier: the store's answer to a write of shopsync's own, which the
	// applier records in the mirror at once rather than waiting for its
	// webhooks. The planner does not replan a destination's applier changes:
	// the plan that made the write already accounts for them.
	Applier Source = "applier"
)

// ChangeEvent is one change to one mirror row, as published to Kafka: the value
// of a message on Topic(), keyed by Key(). Encoded as JSON with the field names
// in the tags.
type ChangeEvent struct {
	// ID is the change_outbox id: unique per change, increasing per store.
	ID       int64    `json:"id"`
	Store    string   `json:"store"`    // store domain, e.g. acme.myshopify.com
	Resource Resource `json:"resource"` // e.g. product
	// GID is the Shopify GID of the row (for collection_product, the collection
	// GID and the product GID separated by a space).
	GID       string    `json:"gid"`
	Operation Operation `json:"operation"`
	// Before and After are the mirror row as JSON keyed by column name; Before is
	// null for a create, After is null for a delete.
	Before  json.RawMessage `json:"before"`
	After   json.RawMessage `json:"after"`
	Version int64           `json:"version"` // the row's version after the change
	Source  Source          `json:"source"`
	Time    time.Time       `json:"time"` // when the change was committed to the mirror
}

// Topic is the Kafka topic the event is published to.
func (e ChangeEvent) Topic() (string, error) {
	f, err := e.Resource.Family()
	if err != nil {
		return "", err
	}
	return f.Topic(), nil
}

// Key is the Kafka message key: store and GID. Kafka keeps the order of messages
// with one key, so the changes of one row arrive in order.
func (e ChangeEvent) Key() []byte { return []byte(e.Store + "|" + e.GID) }

// Validate checks the envelope's contract: every field set, known names, and the
// images its operation promises.
func (e ChangeEvent) Validate() error {
	var errs []error
	if e.Store == "" {
		errs = append(errs, errors.New("store is empty"))
	}
	if _, err := e.Resource.Family(); err != nil {
		errs = append(errs, err)
	}
	if e.GID == "" {
		errs = append(errs, errors.New("gid is empty"))
	}
	switch e.Source {
	case Bulk, Webhook, Reconcile, Applier:
	default:
		errs = append(errs, fmt.Errorf("unknown source %q", e.Source))
	}
	if e.Version < 1 {
		errs = append(errs, fmt.Errorf("version %d is not positive", e.Version))
	}
	if e.Time.IsZero() {
		errs = append(errs, errors.New("time is zero"))
	}
	before, after := present(e.Before), present(e.After)
	switch e.Operation {
	case Create:
		if before || !after {
			errs = append(errs, errors.New("a create has an after image and no before image"))
		}
	case Update:
		if !before || !after {
			errs = append(errs, errors.New("an update has both images"))
		}
	case Delete:
		if after {
			errs = append(errs, errors.New("a delete has no after image"))
		}
	default:
		errs = append(errs, fmt.Errorf("unknown operation %q", e.Operation))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("change event %d (%s %s): %w", e.ID, e.Resource, e.GID, err)
	}
	return nil
}

// Encode validates e and returns its JSON.
func (e ChangeEvent) Encode() ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	e.Before, e.After = orNil(e.Before), orNil(e.After)
	return json.Marshal(e)
}

// Decode parses and validates a message value written by Encode. An image
// encoded as null decodes as nil.
func Decode(b []byte) (ChangeEvent, error) {
	var e ChangeEvent
	if err := json.Unmarshal(b, &e); err != nil {
		return ChangeEvent{}, fmt.Errorf("decode change event: %w", err)
	}
	e.Before, e.After = orNil(e.Before), orNil(e.After)
	return e, e.Validate()
}

var jsonNull = []byte("null")

func present(image json.RawMessage) bool {
	return len(image) > 0 && !bytes.Equal(bytes.TrimSpace(image), jsonNull)
}

func orNil(image json.RawMessage) json.RawMessage {
	if !present(image) {
		return nil
	}
	return image
}
