package fakeshop

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// ContentDigest is a SHA-256 over the shop's content, independent of ids
// and of the clock: every id is replaced by the record's position among its
// kind in id order (references too), and the timestamps the shop clock sets
// (createdAt, updatedAt, cancelledAt, a page published "now") are left
// out, keeping only whether they are set. Two shops seeded with the same
// config have the same digest, whatever ids they were issued and whenever
// they were seeded.
func (s *Shop) ContentDigest() string {
	h := sha256.New()
	s.writeContent(h)
	return hex.EncodeToString(h.Sum(nil))
}

// writeContent writes the canonical text ContentDigest hashes, one record a
// line; tests compare it to show what differs.
func (s *Shop) writeContent(w io.Writer) {
	s.read(func(st *store) {
		b := bufio.NewWriterSize(w, 1<<16)
		defer b.Flush()
		d := contentWriter{w: b, st: st}
		d.write()
	})
}

type contentWriter struct {
	w  *bufio.Writer
	st *store
}

// ord is a record's position among the ids of its table, -1 if absent.
func ord(ids []int64, id int64) int {
	i, ok := slices.BinarySearch(ids, id)
	if !ok {
		return -1
	}
	return i
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q", *p)
}

func setOrNot(t *time.Time) string {
	if t == nil {
		return "unset"
	}
	return "set"
}

func dateOrNot(t *time.Time) string {
	if t == nil {
		return "unset"
	}
	return t.UTC().Format(time.RFC3339)
}

func (d *contentWriter) line(format string, args ...any) {
	fmt.Fprintf(d.w, format, args...)
	d.w.WriteByte('\n')
}

func (d *contentWriter) write() {
	st := d.st
	for i, l := range st.locations.all() {
		d.line("location %d %q %+v active=%t online=%t", i, l.Name, l.Address, l.IsActive, l.FulfillsOnlineOrders)
	}
	for i, p := range st.products.all() {
		var opts []string
		for _, o := range p.Options {
			vals := make([]string, len(o.Values))
			for j, v := range o.Values {
				vals[j] = v.Name
			}
			opts = append(opts, fmt.Sprintf("%d:%s=%q", o.Position, o.Name, vals))
		}
		vars := make([]int, len(p.VariantIDs))
		for j, id := range p.VariantIDs {
			vars[j] = ord(st.variants.ids, id)
		}
		d.line("product %d %q handle=%q vendor=%q type=%q tags=%q status=%s seo=%s/%s template=%s options=%s variants=%v published=%s desc=%q",
			i, p.Title, p.Handle, p.Vendor, p.ProductType, p.Tags, p.Status, str(p.SEO.Title), str(p.SEO.Description), str(p.TemplateSuffix),
			strings.Join(opts, ","), vars, setOrNot(p.PublishedAt), p.DescriptionHTML)
	}
	for i, v := range st.variants.all() {
		d.line("variant %d product=%d item=%d %q sku=%s barcode=%s price=%s compareAt=%s position=%d options=%v policy=%s taxable=%t",
			i, ord(st.products.ids, v.ProductID), ord(st.items.ids, v.InventoryItemID), v.Title, str(v.SKU), str(v.Barcode),
			v.Price, str(v.CompareAtPrice), v.Position, v.SelectedOptions, v.InventoryPolicy, v.Taxable)
	}
	for i, it := range st.items.all() {
		d.line("item %d variant=%d tracked=%t shipping=%t cost=%s", i, ord(st.variants.ids, it.VariantID), it.Tracked, it.RequiresShipping, str(it.Cost))
	}
	for i, l := range st.levels.all() {
		var qs []string
		for _, name := range QuantityNames {
			if q := l.Quantity(name); q != 0 {
				qs = append(qs, fmt.Sprintf("%s=%d", name, q))
			}
		}
		d.line("level %d item=%d location=%d %s", i, ord(st.items.ids, l.ItemID), ord(st.locations.ids, l.LocationID), strings.Join(qs, " "))
	}
	for i, c := range st.collections.all() {
		members := make([]int, 0, len(c.ProductIDs))
		for _, p := range st.collectionProducts(c) {
			members = append(members, ord(st.products.ids, p.ID))
		}
		rules := "manual"
		if c.RuleSet != nil {
			rules = fmt.Sprintf("%+v", *c.RuleSet)
		}
		d.line("collection %d %q handle=%q sort=%s template=%s seo=%s/%s rules=%s members=%v desc=%q",
			i, c.Title, c.Handle, c.SortOrder, str(c.TemplateSuffix), str(c.SEO.Title), str(c.SEO.Description), rules, members, c.DescriptionHTML)
	}
	for i, p := range st.pages.all() {
		d.line("page %d %q handle=%q published=%s template=%s body=%q", i, p.Title, p.Handle, setOrNot(p.PublishedAt), str(p.TemplateSuffix), p.Body)
	}
	for i, b := range st.blogs.all() {
		d.line("blog %d %q handle=%q comments=%s template=%s", i, b.Title, b.Handle, b.CommentPolicy, str(b.TemplateSuffix))
	}
	for i, a := range st.articles.all() {
		d.line("article %d blog=%d %q handle=%q author=%q tags=%q summary=%s published=%s template=%s body=%q",
			i, ord(st.blogs.ids, a.BlogID), a.Title, a.Handle, a.Author, a.Tags, str(a.Summary), dateOrNot(a.PublishedAt), str(a.TemplateSuffix), a.Body)
	}
	for i, o := range st.orders.all() {
		d.line("order %d %s number=%d email=%s phone=%s note=%s tags=%q currency=%s financial=%s fulfillment=%s source=%s/%s test=%t cancel=%s/%s closed=%s processed=%s",
			i, o.Name, o.Number, str(o.Email), str(o.Phone), str(o.Note), o.Tags, o.Currency, o.FinancialStatus, o.FulfillmentStatus,
			str(o.SourceName), str(o.SourceIdentifier), o.Test, str(o.CancelReason), setOrNot(o.CancelledAt), setOrNot(o.ClosedAt), o.ProcessedAt.UTC().Format(time.RFC3339))
		if c := o.Customer; c != nil {
			d.line("  customer email=%s name=%s %s phone=%s", str(c.Email), str(c.FirstName), str(c.LastName), str(c.Phone))
		}
		if a := o.BillingAddress; a != nil {
			d.line("  billing %+v", *a)
		}
		if a := o.ShippingAddress; a != nil {
			d.line("  shipping %+v", *a)
		}
		for _, li := range o.LineItems {
			d.line("  line %q variantTitle=%s sku=%s vendor=%s qty=%d/%d product=%d variant=%d price=%s taxable=%t shipping=%t",
				li.Title, str(li.VariantTitle), str(li.SKU), str(li.Vendor), li.Quantity, li.CurrentQuantity,
				ord(st.products.ids, li.ProductID), ord(st.variants.ids, li.VariantID), li.UnitPrice, li.Taxable, li.RequiresShipping)
		}
	}
}
