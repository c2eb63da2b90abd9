package fakeshop

// GraphQL type names and ids of the resource records, so the executor can
// treat them as Objects and connections can page them.

func (*Product) TypeName() string               { return "Product" }
func (p *Product) NumericID() int64             { return p.ID }
func (*Variant) TypeName() string               { return "ProductVariant" }
func (v *Variant) NumericID() int64             { return v.ID }
func (*InventoryItem) TypeName() string         { return "InventoryItem" }
func (i *InventoryItem) NumericID() int64       { return i.ID }
func (*InventoryLevel) TypeName() string        { return "InventoryLevel" }
func (l *InventoryLevel) NumericID() int64      { return l.ID }
func (*Location) TypeName() string              { return "Location" }
func (l *Location) NumericID() int64            { return l.ID }
func (*Collection) TypeName() string            { return "Collection" }
func (c *Collection) NumericID() int64          { return c.ID }
func (*Page) TypeName() string                  { return "Page" }
func (p *Page) NumericID() int64                { return p.ID }
func (*Blog) TypeName() string                  { return "Blog" }
func (b *Blog) NumericID() int64                { return b.ID }
func (*Article) TypeName() string               { return "Article" }
func (a *Article) NumericID() int64             { return a.ID }
func (*Order) TypeName() string                 { return "Order" }
func (o *Order) NumericID() int64               { return o.ID }
func (*LineItem) TypeName() string              { return "LineItem" }
func (l *LineItem) NumericID() int64            { return l.ID }
func (*Customer) TypeName() string              { return "Customer" }
func (c *Customer) NumericID() int64            { return c.ID }
func (*WebhookSubscription) TypeName() string   { return "WebhookSubscription" }
func (w *WebhookSubscription) NumericID() int64 { return w.ID }
func (*Shop) TypeName() string                  { return "Shop" }
func (s *Shop) NumericID() int64                { return s.id }

// mailingAddress is an order address as a MailingAddress node.
type mailingAddress struct {
	id int64
	a  *Address
}

func (*mailingAddress) TypeName() string { return "MailingAddress" }
