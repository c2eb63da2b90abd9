package config

// Config is the whole configuration file: the stores and the links between
// them. Build one with Load or Parse (which fill in the defaults and validate),
// or in Go from DefaultStore and DefaultLink, then call Validate.
type Config struct {
	Stores []Store `yaml:"stores"`
	Links  []Link  `yaml:"links"`

	// positions maps field paths to where they are in the parsed file, so
	// that errors can give a line; empty for a Config built in Go.
	positions positions
}

// Store is one Shopify store. It names where its secrets are, never the
// secrets themselves.
type Store struct {
	// Name is how links refer to the store (lower case letters, digits, - and _).
	Name string `yaml:"name"`
	// Domain is the store's *.myshopify.com domain, lower-cased on load.
	Domain string `yaml:"domain"`
	Role   Role   `yaml:"role"`
	// Plan sets the GraphQL cost budget; default standard.
	Plan Plan `yaml:"plan"`
	// Endpoint overrides the Admin API GraphQL URL (for fakeshop or a proxy);
	// empty means Shopify's https://<domain>/admin/api/<version>/graphql.json.
	Endpoint string `yaml:"endpoint"`

	// Exactly one of TokenEnv and TokenFile names the Admin API access token.
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	// Exactly one of WebhookSecretEnv and WebhookSecretFile names the secret
	// webhooks are signed with (HMAC-SHA256).
	WebhookSecretEnv  string `yaml:"webhook_secret_env"`
	WebhookSecretFile string `yaml:"webhook_secret_file"`
	// At most one names the previous webhook secret, still accepted while a
	// rotation is under way.
	PreviousWebhookSecretEnv  string `yaml:"previous_webhook_secret_env"`
	PreviousWebhookSecretFile string `yaml:"previous_webhook_secret_file"`

	// These catch secrets written into the file itself, which Validate
	// refuses. Only the fact that the key was there is kept, never the value.
	LiteralToken                 LiteralSecret `yaml:"token"`
	LiteralWebhookSecret         LiteralSecret `yaml:"webhook_secret"`
	LiteralPreviousWebhookSecret LiteralSecret `yaml:"previous_webhook_secret"`
}

// Link is the one link from the source to a destination, with its rules.
type Link struct {
	// Source and Destination are store names.
	Source      string `yaml:"source"`
	Destination string `yaml:"destination"`
	// Enabled false keeps the link (and its id map) but plans nothing for it.
	Enabled  bool      `yaml:"enabled"`
	MatchKey MatchKey  `yaml:"match_key"`
	Price    PriceRule `yaml:"price"`
	// Fields holds the write policy of each product field; Load fills in
	// sync for every field the file does not name.
	Fields       map[Field]FieldPolicy `yaml:"fields"`
	DeletePolicy DeletePolicy          `yaml:"delete_policy"`
	Inventory    Inventory             `yaml:"inventory"`
	Content      Content               `yaml:"content"`
	Orders       Orders                `yaml:"orders"`
}

// Inventory is how stock levels flow over a link.
type Inventory struct {
	Mode InventoryMode `yaml:"mode"`
	// LocationMap maps a source location to a destination location, each a
	// location GID (gid://shopify/Location/<id>) or a location name. It is one
	// to one; locations not in it are not synced.
	LocationMap map[string]string `yaml:"location_map"`
}

// Content says which content besides products the link syncs.
type Content struct {
	Collections bool `yaml:"collections"`
	Pages       bool `yaml:"pages"`
	Blogs       bool `yaml:"blogs"` // blogs and their articles
}

// Orders says whether orders placed in the destination are created in the source.
type Orders struct {
	Enabled bool `yaml:"enabled"`
}

// DefaultStore is a store with every default filled in: plan standard.
func DefaultStore() Store {
	return Store{Plan: PlanStandard}
}

// DefaultLink is a link with every default filled in: enabled, match by
// handle, prices unchanged, every field synced, deletions archive, no
// inventory sync, collections, pages, blogs and orders synced.
func DefaultLink() Link {
	return Link{
		Enabled:      true,
		MatchKey:     MatchHandle,
		Price:        DefaultPriceRule(),
		Fields:       DefaultFields(),
		DeletePolicy: DeleteArchive,
		Inventory:    Inventory{Mode: InventoryNone},
		Content:      Content{Collections: true, Pages: true, Blogs: true},
		Orders:       Orders{Enabled: true},
	}
}

// DefaultFields is every product field with policy sync.
func DefaultFields() map[Field]FieldPolicy {
	m := make(map[Field]FieldPolicy, len(Fields))
	for _, f := range Fields {
		m[f] = PolicySync
	}
	return m
}

// Source is the source store, or nil if there is none (Validate fails then).
func (c *Config) Source() *Store {
	for i := range c.Stores {
		if c.Stores[i].Role == RoleSource {
			return &c.Stores[i]
		}
	}
	return nil
}

// Store is the store with the given name, or nil.
func (c *Config) Store(name string) *Store {
	for i := range c.Stores {
		if c.Stores[i].Name == name {
			return &c.Stores[i]
		}
	}
	return nil
}
