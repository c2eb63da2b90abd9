package fakeshop

import (
	"strconv"
	"strings"
	"time"
)

// seedOrders places orders over the year after seedEpoch, in time order,
// from a customer base where a few customers order often. Every line
// references a seeded variant; inventory is left alone (orderCreate's
// default BYPASS), so the seeded stock stays as drawn. About 2 % of orders
// are cancelled afterwards.
func (s *seeder) seedOrders() error {
	if len(s.products) == 0 || s.cfg.Orders == 0 {
		return nil
	}
	customers := max(10, s.cfg.Orders/3)
	spacing := 365 * 24 * time.Hour / time.Duration(s.cfg.Orders)
	for i := range s.cfg.Orders {
		in := s.order(customers)
		at := seedEpoch.Add(time.Duration(i)*spacing + time.Duration(s.rng.Int64N(int64(spacing))))
		in.ProcessedAt = &at
		o, err := s.shop.CreateOrder(in)
		if err != nil {
			return err
		}
		if s.chance(0.02) {
			if _, err := s.shop.CancelOrder(o.ID, pick(s, seedCancelReasons), false); err != nil {
				return err
			}
		}
	}
	return nil
}

var emailFold = strings.NewReplacer("é", "e", "ë", "e", "ö", "o", "ó", "o", "ü", "u", "'", "")

func (s *seeder) order(customers int) OrderInput {
	c := s.skewed(customers)
	first := seedFirstNames[c%len(seedFirstNames)]
	last := seedLastNames[(c/len(seedFirstNames))%len(seedLastNames)]
	email := strings.ToLower(emailFold.Replace(first+"."+last)) + strconv.Itoa(c) + "@example.com"
	city := seedCities[c%len(seedCities)]
	addr := &Address{FirstName: first, LastName: last, Address1: strconv.Itoa(1+c%980) + " " + pick(s, seedModelNames) + " St",
		City: city.city, Province: city.province, ProvinceCode: city.provinceCode, Country: city.country, CountryCode: city.countryCode, Zip: city.zip}
	status := weighted(s, seedFinancialStatuses)
	source := weighted(s, seedPaymentSources)
	in := OrderInput{
		Email:           &email,
		Customer:        &Customer{Email: &email, FirstName: &first, LastName: &last},
		BillingAddress:  addr,
		ShippingAddress: addr,
		FinancialStatus: &status,
		SourceName:      &source,
	}
	if s.chance(0.2) {
		in.Tags = []string{seedOrderTags[s.skewed(len(seedOrderTags))]}
	}
	if s.chance(0.05) {
		note := "Please gift wrap."
		in.Note = &note
	}
	lines := 1
	switch u := s.rng.Float64(); {
	case u < 0.6:
	case u < 0.85:
		lines = 2
	case u < 0.95:
		lines = 3
	default:
		lines = s.between(4, 6)
	}
	for range lines {
		p := s.products[s.rng.IntN(len(s.products))]
		v := p.VariantIDs[s.rng.IntN(len(p.VariantIDs))]
		qty := 1
		if s.chance(0.2) {
			qty = s.between(2, 4)
		}
		in.LineItems = append(in.LineItems, LineItemInput{VariantID: v, Quantity: qty})
	}
	return in
}
