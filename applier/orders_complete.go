package applier

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/Khan/genqlient/graphql"
)

// completeOrder fills in, from the destination read now, the customer and
// addresses a create_order lacks. An order mirrored from its orders/create
// webhook has only its e-mail in the mirror (the mirror keeps the REST
// payload's money, status and lines, not its customer or addresses), and the
// planner plans it at once; reconciliation reads those fields later, too
// late for the create. A failed read sends the order as planned and says so
// in the audit: the order matters more than its address.
func (w *Writer) completeOrder(ctx context.Context, oc *orderCreateCall) {
	o := &oc.desired
	if o.BillingAddress != nil || o.ShippingAddress != nil {
		return // read by reconciliation: the mirror had them
	}
	if err := w.readDestinationOrder(ctx, oc); err != nil {
		oc.note = "warning: the destination order's customer and addresses could not be read (" + err.Error() + "); created without them"
		w.log.WarnContext(ctx, "creating an order without its addresses", "delta", oc.d.ID, "err", err)
	}
}

func (w *Writer) readDestinationOrder(ctx context.Context, oc *orderCreateCall) error {
	o := &oc.desired
	if w.clients == nil {
		return fmt.Errorf("no client for %s", o.Destination)
	}
	c, err := w.clients(o.Destination)
	if err != nil {
		return err
	}
	var data struct {
		Order *struct {
			Email    *string `json:"email"`
			Phone    *string `json:"phone"`
			Customer *struct {
				FirstName *string `json:"firstName"`
				LastName  *string `json:"lastName"`
			} `json:"customer"`
			BillingAddress  json.RawMessage `json:"billingAddress"`
			ShippingAddress json.RawMessage `json:"shippingAddress"`
		} `json:"order"`
	}
	req := &graphql.Request{
		OpName: "ShopsyncDestinationOrder",
		Query: "query ShopsyncDestinationOrder($id: ID!) { order(id: $id) { email phone customer { firstName lastName } " +
			"billingAddress { " + addressFields + " } shippingAddress { " + addressFields + " } } }",
		Variables: map[string]any{"id": o.DestinationOrderGID},
	}
	if err := c.MakeRequest(ctx, req, &graphql.Response{Data: &data}); err != nil {
		return err
	}
	if data.Order == nil {
		return fmt.Errorf("%s has no order %s", o.Destination, o.DestinationOrderGID)
	}
	d := data.Order
	if o.Email == nil {
		o.Email = d.Email
	}
	if o.Phone == nil {
		o.Phone = d.Phone
	}
	if d.Customer != nil && (d.Customer.FirstName != nil || d.Customer.LastName != nil) {
		if o.Customer == nil {
			o.Customer = &orderPerson{Email: o.Email}
		}
		o.Customer.FirstName, o.Customer.LastName = d.Customer.FirstName, d.Customer.LastName
	}
	o.BillingAddress, o.ShippingAddress = readAddress(d.BillingAddress), readAddress(d.ShippingAddress)
	return nil
}

// readAddress reads a MailingAddress answer (GraphQL names) as a desired
// address; nil for none.
func readAddress(raw json.RawMessage) *orderAddress {
	if len(raw) == 0 || isNull(raw) {
		return nil
	}
	var a struct {
		Address1      *string `json:"address1"`
		Address2      *string `json:"address2"`
		City          *string `json:"city"`
		Company       *string `json:"company"`
		CountryCodeV2 *string `json:"countryCodeV2"`
		FirstName     *string `json:"firstName"`
		LastName      *string `json:"lastName"`
		Phone         *string `json:"phone"`
		ProvinceCode  *string `json:"provinceCode"`
		Zip           *string `json:"zip"`
	}
	if json.Unmarshal(raw, &a) != nil {
		return nil
	}
	return &orderAddress{Address1: a.Address1, Address2: a.Address2, City: a.City, Company: a.Company,
		CountryCode: a.CountryCodeV2, FirstName: a.FirstName, LastName: a.LastName, Phone: a.Phone,
		ProvinceCode: a.ProvinceCode, Zip: a.Zip}
}
