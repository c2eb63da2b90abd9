package fakeshop

// The vocabulary Seed draws from. It is fixed (never derived from the
// environment) because the generated store must depend on the seed alone.

// seedType is a product type with the nouns its titles use, its price range
// in cents, its size scale and its SKU code.
type seedType struct {
	name       string
	code       string
	nouns      []string
	minCents   int
	maxCents   int
	sizes      []string
	shipsFlat  bool // small, light goods: more often in stock everywhere
	tracksFood bool // consumables: inventory is tracked, never CONTINUE
	// qualifiers replace seedMaterials in titles where materials make no
	// sense (a tea has an origin, not a fabric).
	qualifiers []string
	// materials are the Material option's values; none: no such option.
	materials []string
	// noColor: the type has no Color option.
	noColor bool
}

var (
	apparelSizes = []string{"XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"}
	shoeSizes    = []string{"36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46", "47"}
	genericSizes = []string{"Small", "Medium", "Large", "Extra Large"}
	weightSizes  = []string{"100 g", "250 g", "500 g", "1 kg", "2 kg"}
	volumeSizes  = []string{"8 oz", "11 oz", "15 oz", "20 oz"}
)

var seedTypes = []seedType{
	{name: "T-Shirts", code: "TSH", nouns: []string{"Tee", "Crew Tee", "V-Neck Tee", "Pocket Tee", "Graphic Tee", "Long Sleeve Tee"}, minCents: 1500, maxCents: 4500, sizes: apparelSizes, shipsFlat: true, materials: seedFabrics},
	{name: "Hoodies", code: "HOD", nouns: []string{"Hoodie", "Zip Hoodie", "Pullover", "Sweatshirt"}, minCents: 3900, maxCents: 9500, sizes: apparelSizes, materials: seedFabrics},
	{name: "Jackets", code: "JKT", nouns: []string{"Jacket", "Parka", "Bomber", "Rain Shell", "Puffer", "Vest"}, minCents: 7900, maxCents: 34900, sizes: apparelSizes, materials: seedFabrics},
	{name: "Jeans", code: "JNS", nouns: []string{"Jeans", "Slim Jeans", "Straight Jeans", "Chinos", "Cargo Pants"}, minCents: 4900, maxCents: 14900, sizes: []string{"28", "29", "30", "31", "32", "33", "34", "36", "38", "40"}, materials: []string{"Raw Denim", "Stretch Denim", "Organic Cotton"}},
	{name: "Dresses", code: "DRS", nouns: []string{"Dress", "Midi Dress", "Wrap Dress", "Maxi Dress", "Shirt Dress"}, minCents: 4500, maxCents: 18900, sizes: apparelSizes, materials: seedFabrics},
	{name: "Sneakers", code: "SNK", nouns: []string{"Sneaker", "Runner", "Trainer", "Court Shoe", "Slip-On"}, minCents: 5900, maxCents: 17900, sizes: shoeSizes, materials: seedFootwearMaterials},
	{name: "Boots", code: "BTS", nouns: []string{"Boot", "Chelsea Boot", "Hiking Boot", "Work Boot"}, minCents: 8900, maxCents: 27900, sizes: shoeSizes, materials: seedFootwearMaterials},
	{name: "Socks", code: "SCK", nouns: []string{"Socks", "Crew Socks", "Ankle Socks", "Wool Socks", "Sock 3-Pack"}, minCents: 800, maxCents: 2900, sizes: []string{"S/M", "M/L", "L/XL"}, shipsFlat: true, materials: []string{"Cotton", "Wool", "Bamboo"}},
	{name: "Hats", code: "HAT", nouns: []string{"Beanie", "Cap", "Bucket Hat", "Sun Hat", "Trucker Cap"}, minCents: 1800, maxCents: 5900, sizes: genericSizes, shipsFlat: true, materials: []string{"Cotton", "Wool", "Canvas"}},
	{name: "Bags", code: "BAG", nouns: []string{"Tote", "Backpack", "Duffel", "Crossbody Bag", "Weekender", "Messenger Bag"}, minCents: 2900, maxCents: 24900, sizes: genericSizes, materials: []string{"Leather", "Canvas", "Recycled Polyester"}},
	{name: "Wallets", code: "WLT", nouns: []string{"Wallet", "Card Holder", "Coin Pouch", "Passport Cover"}, minCents: 1900, maxCents: 8900, shipsFlat: true, materials: []string{"Leather", "Cork", "Canvas"}},
	{name: "Watches", code: "WCH", nouns: []string{"Watch", "Chronograph", "Field Watch", "Dive Watch"}, minCents: 9900, maxCents: 59900, sizes: []string{"36 mm", "38 mm", "40 mm", "42 mm"}, materials: []string{"Steel", "Leather", "Titanium"}},
	{name: "Sunglasses", code: "SUN", nouns: []string{"Sunglasses", "Aviators", "Round Frames", "Sport Shades"}, minCents: 2900, maxCents: 18900, materials: []string{"Acetate", "Steel", "Titanium"}},
	{name: "Mugs", code: "MUG", nouns: []string{"Mug", "Travel Mug", "Espresso Cup", "Tumbler"}, minCents: 1200, maxCents: 3900, sizes: volumeSizes, shipsFlat: true},
	{name: "Candles", code: "CDL", nouns: []string{"Candle", "Soy Candle", "Tealight Set", "Reed Diffuser"}, minCents: 1400, maxCents: 6900, sizes: genericSizes, shipsFlat: true},
	{name: "Notebooks", code: "NTB", nouns: []string{"Notebook", "Journal", "Planner", "Sketchbook"}, minCents: 900, maxCents: 3900, sizes: []string{"A6", "A5", "A4"}, shipsFlat: true},
	{name: "Blankets", code: "BLK", nouns: []string{"Blanket", "Throw", "Quilt", "Picnic Blanket"}, minCents: 4900, maxCents: 22900, sizes: []string{"Twin", "Full", "Queen", "King"}, materials: []string{"Cotton", "Wool", "Linen"}},
	{name: "Pillows", code: "PIL", nouns: []string{"Pillow", "Cushion Cover", "Bolster", "Floor Cushion"}, minCents: 1900, maxCents: 8900, sizes: []string{"16 x 16", "18 x 18", "20 x 20", "12 x 20"}, materials: []string{"Cotton", "Linen", "Velvet"}},
	{name: "Yoga Mats", code: "YGM", nouns: []string{"Yoga Mat", "Travel Mat", "Yoga Block", "Yoga Strap"}, minCents: 1900, maxCents: 12900, materials: []string{"Cork", "Natural Rubber", "TPE"}},
	{name: "Water Bottles", code: "BTL", nouns: []string{"Water Bottle", "Insulated Bottle", "Flask", "Sport Bottle"}, minCents: 1600, maxCents: 4900, sizes: []string{"500 ml", "750 ml", "1 l"}, shipsFlat: true},
	{name: "Phone Cases", code: "PHC", nouns: []string{"Phone Case", "Folio Case", "Clear Case", "Grip Case"}, minCents: 1900, maxCents: 5900, sizes: []string{"iPhone 15", "iPhone 16", "iPhone 16 Pro", "Pixel 9", "Galaxy S25"}, shipsFlat: true, materials: []string{"Silicone", "Leather", "Recycled Plastic"}},
	{name: "Posters", code: "PST", nouns: []string{"Poster", "Art Print", "Framed Print", "Canvas Print"}, minCents: 1500, maxCents: 14900, sizes: []string{"A4", "A3", "A2", "50 x 70"}, shipsFlat: true},
	{name: "Tea", code: "TEA", nouns: []string{"Green Tea", "Black Tea", "Herbal Blend", "Chai", "Oolong"}, minCents: 700, maxCents: 3900, sizes: weightSizes, shipsFlat: true, tracksFood: true, qualifiers: seedOrigins, noColor: true},
	{name: "Coffee", code: "COF", nouns: []string{"Espresso Roast", "Single Origin", "House Blend", "Decaf", "Cold Brew Blend"}, minCents: 1100, maxCents: 4900, sizes: weightSizes, shipsFlat: true, tracksFood: true, qualifiers: seedOrigins, noColor: true},
}

var seedAdjectives = []string{
	"Classic", "Essential", "Everyday", "Vintage", "Premium", "Organic", "Heritage", "Urban",
	"Alpine", "Coastal", "Midnight", "Sunset", "Nordic", "Retro", "Signature", "Lightweight",
	"Relaxed", "Slim", "Oversized", "Cozy", "Rugged", "Minimal", "Weekend", "Studio",
}

var seedMaterials = []string{
	"Cotton", "Merino", "Linen", "Denim", "Leather", "Canvas", "Bamboo", "Wool",
	"Cashmere", "Recycled", "Suede", "Ceramic", "Stoneware", "Oak", "Steel", "Hemp",
}

var seedOrigins = []string{"Darjeeling", "Assam", "Yunnan", "Colombian", "Ethiopian", "Kenyan", "Sumatra", "Guatemalan", "Ceylon", "Kyoto"}

// Material option values shared by several types.
var (
	seedFabrics           = []string{"Cotton", "Linen", "Wool", "Recycled Polyester", "Silk", "Bamboo"}
	seedFootwearMaterials = []string{"Leather", "Suede", "Canvas", "Recycled Polyester"}
)

var seedColors = []string{
	"Black", "White", "Navy", "Grey", "Olive", "Sand", "Burgundy", "Forest Green",
	"Sky Blue", "Rust", "Mustard", "Charcoal", "Cream", "Blush", "Teal", "Lavender",
	"Coral", "Khaki", "Ivory", "Plum",
}

var seedModelNames = []string{
	"Aurora", "Atlas", "Nova", "Orion", "Sierra", "Luna", "Vega", "Juniper",
	"Cedar", "Harbor", "Summit", "Meadow", "Ember", "Drift", "Echo", "Willow",
}

// seedVendors are drawn with a skew: the first few are big brands.
var seedVendors = []struct{ name, code string }{
	{"Northwind Outfitters", "NWO"}, {"Acme Apparel", "ACM"}, {"Blue Harbor Co.", "BHC"},
	{"Fernwood Goods", "FWG"}, {"Kestrel & Finch", "KNF"}, {"Lumen Studio", "LMS"},
	{"Maple Row", "MPR"}, {"Oak & Ember", "OKE"}, {"Pinecrest Supply", "PCS"},
	{"Quarry Lane", "QRL"}, {"Redwood Collective", "RWC"}, {"Saltwater Trading", "SWT"},
	{"Tidewater Mills", "TWM"}, {"Union Field", "UNF"}, {"Valley Forge Leather", "VFL"},
	{"Westbrook & Co.", "WBC"}, {"Yellowpine Roasters", "YPR"}, {"Zephyr Threads", "ZPT"},
	{"Ashgrove", "ASG"}, {"Birch Lane Home", "BLH"}, {"Copperline", "CPL"},
	{"Driftwood Coast", "DWC"}, {"Elm Street Paper", "ESP"}, {"Foxglove Tea Co.", "FGT"},
	{"Granite Peak", "GRP"}, {"Hollow Oak", "HLO"}, {"Ironbark", "IRB"},
	{"Juniper & Sage", "JNS"}, {"Kindred Loom", "KDL"}, {"Lark Rise", "LRK"},
}

// seedTagPool holds the general tags; products also get tags naming their
// material and season.
var seedTagPool = []string{
	"new", "sale", "bestseller", "limited-edition", "eco", "gift", "clearance", "staff-pick",
	"online-exclusive", "bundle", "vegan", "handmade", "fair-trade", "made-in-usa", "made-in-eu",
	"restock", "preorder", "back-in-stock", "low-stock", "wholesale",
}

var seedSeasons = []string{"spring", "summer", "autumn", "winter", "all-season"}

var seedLocations = []struct {
	name   string
	online bool
	addr   Address
}{
	{"Main Warehouse", true, Address{Address1: "1200 Logistics Pkwy", City: "Reno", Province: "Nevada", ProvinceCode: "NV", Country: "United States", CountryCode: "US", Zip: "89502", Phone: "+17755550100"}},
	{"Downtown Store", false, Address{Address1: "415 SW Alder St", City: "Portland", Province: "Oregon", ProvinceCode: "OR", Country: "United States", CountryCode: "US", Zip: "97204", Phone: "+15035550142"}},
	{"East Coast Fulfilment", true, Address{Address1: "88 Port St", City: "Newark", Province: "New Jersey", ProvinceCode: "NJ", Country: "United States", CountryCode: "US", Zip: "07114"}},
	{"Toronto Depot", true, Address{Address1: "250 Front St W", City: "Toronto", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "M5V 3G5"}},
	{"Berlin Showroom", false, Address{Address1: "Torstraße 101", City: "Berlin", Country: "Germany", CountryCode: "DE", Zip: "10119"}},
	{"London Pop-up", false, Address{Address1: "12 Neal St", City: "London", Country: "United Kingdom", CountryCode: "GB", Zip: "WC2H 9PW"}},
	{"Sydney Warehouse", true, Address{Address1: "7 Bourke Rd", City: "Alexandria", Province: "New South Wales", ProvinceCode: "NSW", Country: "Australia", CountryCode: "AU", Zip: "2015"}},
	{"Austin Store", false, Address{Address1: "1100 S Congress Ave", City: "Austin", Province: "Texas", ProvinceCode: "TX", Country: "United States", CountryCode: "US", Zip: "78704"}},
}

var seedPages = []struct{ title, body string }{
	{"About Us", "<h1>Our story</h1><p>We started in a garage with one sewing machine and a lot of coffee.</p>"},
	{"Contact", "<p>Write to us at hello@example.com or call during business hours.</p>"},
	{"Shipping Policy", "<p>Orders ship within two business days. Free shipping on orders over $75.</p>"},
	{"Returns & Exchanges", "<p>Unworn items can be returned within 30 days for a full refund.</p>"},
	{"FAQ", "<h2>Frequently asked questions</h2><p>How do I track my order? Use the link in your confirmation email.</p>"},
	{"Size Guide", "<table><tr><th>Size</th><th>Chest</th></tr><tr><td>M</td><td>38-40 in</td></tr></table>"},
	{"Store Locator", "<p>Find us in Portland, Berlin, London and Austin.</p>"},
	{"Careers", "<p>We are hiring in retail and operations.</p>"},
	{"Sustainability", "<p>Our packaging is plastic-free and our cotton is organic.</p>"},
	{"Wholesale", "<p>Stockists can apply for a wholesale account.</p>"},
}

var seedBlogs = []string{"News", "Style Journal", "Behind the Seams", "Recipes", "Community"}

var seedArticleTopics = []string{
	"How we make our", "Caring for your", "Five ways to wear the", "Meet the maker behind the",
	"A short history of the", "Why we switched to", "The season's best", "Packing list: the",
}

var seedAuthors = []string{"Ann Becker", "Jonas Lindqvist", "Priya Nair", "Marco Rossi", "Aiko Tanaka", "Sam Okafor"}

var seedFirstNames = []string{
	"Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "Lucas", "Mia", "Mateo",
	"Amelia", "Leo", "Harper", "Ezra", "Chloé", "Björn", "Zoë", "José", "Aaliyah", "Wei",
}

var seedLastNames = []string{
	"Smith", "Johnson", "Garcia", "Müller", "Brown", "Nguyen", "Martin", "Kowalski", "Rossi", "Dubois",
	"O'Brien", "Tanaka", "Silva", "Andersson", "Patel", "Kim", "Novak", "López", "Schmidt", "Wilson",
}

var seedCities = []struct{ city, province, provinceCode, country, countryCode, zip string }{
	{"Seattle", "Washington", "WA", "United States", "US", "98101"},
	{"Denver", "Colorado", "CO", "United States", "US", "80202"},
	{"Brooklyn", "New York", "NY", "United States", "US", "11201"},
	{"Chicago", "Illinois", "IL", "United States", "US", "60607"},
	{"Vancouver", "British Columbia", "BC", "Canada", "CA", "V6B 1A1"},
	{"Hamburg", "", "", "Germany", "DE", "20457"},
	{"Manchester", "", "", "United Kingdom", "GB", "M1 1AE"},
	{"Melbourne", "Victoria", "VIC", "Australia", "AU", "3000"},
}

var seedCollectionTitles = []string{
	"Staff Picks", "Gift Guide", "Summer Essentials", "Back to School", "Holiday Shop",
	"New Arrivals", "Best Sellers", "Weekend Getaway", "Home Office", "Cozy Season",
	"Last Chance", "The Travel Edit", "Made to Last", "Outdoor Living", "Coffee Break",
}

var seedPaymentSources = []struct {
	name   string
	weight int
}{{"web", 75}, {"pos", 15}, {"shopify_draft_order", 10}}

var seedFinancialStatuses = []struct {
	name   string
	weight int
}{{"PAID", 80}, {"PENDING", 5}, {"AUTHORIZED", 6}, {"PARTIALLY_REFUNDED", 4}, {"REFUNDED", 4}, {"VOIDED", 1}}

var seedOrderTags = []string{"vip", "wholesale", "gift", "first-order", "subscription", "influencer"}

var seedCancelReasons = []string{"CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF"}
