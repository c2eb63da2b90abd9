package mirror

// Validate reports, wrapping ErrInvalidRow, what in the batch cannot be
// written: Apply would refuse the whole batch for it. A caller combining
// many deliveries' batches (ApplyMany) checks each first, so that one bad
// delivery is set aside instead of failing the others.
func (b Batch) Validate() error {
	for _, r := range b.Rows {
		if err := checkRow(r); err != nil {
			return err
		}
	}
	for _, cs := range b.ChildSets {
		if _, err := cs.validate(); err != nil {
			return err
		}
	}
	for _, d := range b.Deletions {
		if err := d.validate(); err != nil {
			return err
		}
	}
	return nil
}
