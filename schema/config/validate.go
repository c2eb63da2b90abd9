package config

import (
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

var (
	storeName   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	shopDomain  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)
	envName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	locationGID = regexp.MustCompile(`^gid://shopify/Location/[0-9]+$`)
)

// maxRuleScale bounds the digits after the point in a factor, markup or amount.
const maxRuleScale = 10

// Validate checks every rule of the configuration and returns all problems at
// once: errors.Join of *FieldError, each naming its field. It expects the
// canonical spellings (Load converts "one-way" to "one_way" before calling it).
func (c *Config) Validate() error {
	p := problems{pos: c.positions}
	c.validateStores(&p)
	c.validateLinks(&p)
	return errors.Join(p.errs...)
}

func (c *Config) validateStores(p *problems) {
	if len(c.Stores) == 0 {
		p.add("stores", "no stores: one source and at least one destination are needed")
		return
	}
	names := map[string]int{}
	domains := map[string]int{}
	source := -1
	for i, s := range c.Stores {
		path := index("stores", i)
		switch {
		case s.Name == "":
			p.add(child(path, "name"), "required: links refer to the store by it")
		case !storeName.MatchString(s.Name):
			p.add(child(path, "name"), "%q must be lower case letters, digits, - and _", s.Name)
		default:
			if j, ok := names[s.Name]; ok {
				p.add(child(path, "name"), "%q is also the name of stores[%d]", s.Name, j)
			} else {
				names[s.Name] = i
			}
		}
		switch {
		case s.Domain == "":
			p.add(child(path, "domain"), "required: the store's *.myshopify.com domain")
		case !shopDomain.MatchString(s.Domain):
			p.add(child(path, "domain"), "%q is not a *.myshopify.com domain", s.Domain)
		default:
			if j, ok := domains[s.Domain]; ok {
				// The same store twice, maybe with two roles: a store has one.
				p.add(child(path, "domain"), "%q is also the domain of stores[%d]: a store is listed once and has one role", s.Domain, j)
			} else {
				domains[s.Domain] = i
			}
		}
		if ok, list := oneOf(s.Role, Roles); !ok {
			p.add(child(path, "role"), "%q is not one of %s", s.Role, list)
		} else if s.Role == RoleSource {
			if source >= 0 {
				p.add(child(path, "role"), "stores[%d] is already the source: there is exactly one source store", source)
			} else {
				source = i
			}
		}
		if ok, list := oneOf(s.Plan, Plans); !ok {
			p.add(child(path, "plan"), "%q is not one of %s", s.Plan, list)
		}
		if s.Endpoint != "" {
			if u, err := url.Parse(s.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				p.add(child(path, "endpoint"), "%q is not an http(s) URL", s.Endpoint)
			}
		}
		validateSecretSource(p, path, "token", s.TokenEnv, s.TokenFile, s.LiteralToken, true)
		validateSecretSource(p, path, "webhook_secret", s.WebhookSecretEnv, s.WebhookSecretFile, s.LiteralWebhookSecret, true)
		validateSecretSource(p, path, "previous_webhook_secret", s.PreviousWebhookSecretEnv, s.PreviousWebhookSecretFile, s.LiteralPreviousWebhookSecret, false)
	}
	if source < 0 {
		p.add("stores", "no store has role source: exactly one is needed")
	}
}

func validateSecretSource(p *problems, store, key, env, file string, literal LiteralSecret, required bool) {
	if literal.Present {
		p.add(child(store, key), "%s", literalSecretMsg(child(store, key)))
	}
	switch {
	case env != "" && file != "":
		p.add(child(store, key+"_file"), "set %s_env or %s_file, not both", key, key)
	case env != "" && !envName.MatchString(env):
		p.add(child(store, key+"_env"), "%q is not an environment variable name", env)
	case env == "" && file == "" && required && !literal.Present:
		p.add(child(store, key+"_env"), "required (or %s_file): where the store's %s comes from", key, strings.ReplaceAll(key, "_", " "))
	}
}

func (c *Config) validateLinks(p *problems) {
	linkOf := map[string]int{} // destination name -> link index
	source := c.Source()
	for i := range c.Links {
		l := &c.Links[i]
		path := index("links", i)
		c.validateEnds(p, path, l, source, linkOf, i)
		if ok, list := oneOf(l.MatchKey, MatchKeys); !ok {
			p.add(child(path, "match_key"), "%q is not one of %s", l.MatchKey, list)
		}
		l.Price.validate(p, child(path, "price"))
		validateFields(p, child(path, "fields"), l.Fields)
		if ok, list := oneOf(l.DeletePolicy, DeletePolicies); !ok {
			p.add(child(path, "delete_policy"), "%q is not one of %s", l.DeletePolicy, list)
		}
		l.Inventory.validate(p, child(path, "inventory"))
	}
}

// validateEnds checks that a link runs from the source to a destination that
// has no other link.
func (c *Config) validateEnds(p *problems, path string, l *Link, source *Store, linkOf map[string]int, i int) {
	switch s := c.Store(l.Source); {
	case l.Source == "":
		p.add(child(path, "source"), "required: the name of the source store")
	case s == nil:
		p.add(child(path, "source"), "%q is not the name of a store (%s)", l.Source, c.storeNames())
	case s.Role == RoleDestination: // an invalid role is reported at the store
		if source != nil {
			p.add(child(path, "source"), "%q is a %s: links run from the source store, %s", l.Source, s.Role, source.Name)
		} else {
			p.add(child(path, "source"), "%q is a %s: links run from the source store", l.Source, s.Role)
		}
	}
	switch d := c.Store(l.Destination); {
	case l.Destination == "":
		p.add(child(path, "destination"), "required: the name of a destination store")
	case d == nil:
		p.add(child(path, "destination"), "%q is not the name of a store (%s)", l.Destination, c.storeNames())
	case d.Role == RoleSource:
		p.add(child(path, "destination"), "%q is a %s: links run to destination stores", l.Destination, d.Role)
	default:
		if j, ok := linkOf[l.Destination]; ok {
			p.add(child(path, "destination"), "%q already has a link (links[%d]): a destination has one source and one link", l.Destination, j)
		} else {
			linkOf[l.Destination] = i
		}
	}
}

func (c *Config) storeNames() string {
	if len(c.Stores) == 0 {
		return "there are no stores"
	}
	names := make([]string, len(c.Stores))
	for i, s := range c.Stores {
		names[i] = s.Name
	}
	return "stores are " + strings.Join(names, ", ")
}

func (r PriceRule) validate(p *problems, path string) {
	number := func(key string, d Decimal, check func(*big.Rat) bool, want string) {
		v, ok := d.rat()
		switch {
		case !ok:
			p.add(child(path, key), "%q is not a decimal number", d)
		case d.scale() > maxRuleScale:
			p.add(child(path, key), "%q has more than %d decimals", d, maxRuleScale)
		case !check(v):
			p.add(child(path, key), "%q must be %s", d, want)
		}
	}
	number("currency_factor", r.CurrencyFactor, func(v *big.Rat) bool { return v.Sign() > 0 }, "above 0")
	number("markup_percent", r.MarkupPercent, func(v *big.Rat) bool { return v.Cmp(big.NewRat(-100, 1)) > 0 }, "above -100 (a price cannot drop to nothing)")
	number("add_amount", r.AddAmount, func(*big.Rat) bool { return true }, "")
	if r.RoundTo != RoundToNone {
		v, ok := r.RoundTo.rat()
		switch {
		case !ok:
			p.add(child(path, "round_to"), "%q is neither none nor an ending such as 0.99", r.RoundTo)
		case v.Sign() < 0:
			p.add(child(path, "round_to"), "%q is negative: an ending is 0 or more, such as 0.99", r.RoundTo)
		case r.RoundTo.scale() > 2:
			p.add(child(path, "round_to"), "%q has more than 2 decimals", r.RoundTo)
		}
	}
	if ok, list := oneOf(r.CompareAt, CompareAtModes); !ok {
		p.add(child(path, "compare_at"), "%q is not one of %s", r.CompareAt, list)
	}
}

func validateFields(p *problems, path string, fields map[Field]FieldPolicy) {
	keys := make([]Field, 0, len(fields))
	for f := range fields {
		keys = append(keys, f)
	}
	slices.Sort(keys)
	for _, f := range keys {
		if ok, list := oneOf(f, Fields); !ok {
			p.add(child(path, string(f)), "%q is not a product field (%s)", f, list)
			continue
		}
		if ok, list := oneOf(fields[f], FieldPolicies); !ok {
			p.add(child(path, string(f)), "%q is not one of %s", fields[f], list)
		}
	}
}

func (inv Inventory) validate(p *problems, path string) {
	if ok, list := oneOf(inv.Mode, InventoryModes); !ok {
		p.add(child(path, "mode"), "%q is not one of %s", inv.Mode, list)
	}
	mapPath := child(path, "location_map")
	if inv.Mode != InventoryNone && len(inv.LocationMap) == 0 {
		p.add(mapPath, "required when mode is %s: which source location's stock goes to which destination location", inv.Mode)
	}
	sources := make([]string, 0, len(inv.LocationMap))
	for s := range inv.LocationMap {
		sources = append(sources, s)
	}
	slices.Sort(sources) // errors in a stable order
	from := map[string]string{}
	for _, s := range sources {
		d := inv.LocationMap[s]
		entry := child(mapPath, s)
		if msg := locationRefProblem(s); msg != "" {
			p.add(entry, "source location %s", msg)
		}
		if msg := locationRefProblem(d); msg != "" {
			p.add(entry, "destination location %s", msg)
			continue
		}
		if other, ok := from[d]; ok {
			p.add(entry, "destination location %q is already mapped from %q: the map is one to one", d, other)
		} else {
			from[d] = s
		}
	}
}

// locationRefProblem says what is wrong with a location reference (a GID or
// a name), or "".
func locationRefProblem(ref string) string {
	switch {
	case strings.TrimSpace(ref) == "":
		return "is empty: give a location GID or name"
	case strings.HasPrefix(ref, "gid://") && !locationGID.MatchString(ref):
		return fmt.Sprintf("%q is not a location GID (gid://shopify/Location/<id>)", ref)
	}
	return ""
}
