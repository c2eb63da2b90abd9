package fakeshop

import (
	"strconv"
	"strings"
	"time"
)

// seedEpoch anchors the dates Seed sets itself (articles' publication,
// orders' processedAt), so they do not depend on the clock.
var seedEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *seeder) seedLocations() error {
	for i := range s.cfg.Locations {
		in := LocationInput{Name: "Location " + strconv.Itoa(i+1)}
		if i < len(seedLocations) {
			l := seedLocations[i]
			in = LocationInput{Name: l.name, Address: l.addr, FulfillsOnlineOrders: &l.online}
		}
		if i == 0 {
			online := true // the first location always ships online orders
			in.FulfillsOnlineOrders = &online
		}
		loc, err := s.shop.CreateLocation(in)
		if err != nil {
			return err
		}
		s.locations = append(s.locations, loc.ID)
	}
	return nil
}

// seedCollections makes custom collections of random members and smart
// collections whose rules come from real products (so most match some),
// cycling through every rule kind fakeshop evaluates that Seed uses: TYPE,
// VENDOR, TAG, TITLE, VARIANT_PRICE, a conjunction and a disjunction.
func (s *seeder) seedCollections() error {
	if len(s.products) == 0 {
		return nil
	}
	for i := range s.cfg.CustomCollections {
		title := seedCollectionTitles[i%len(seedCollectionTitles)]
		if i >= len(seedCollectionTitles) {
			title = pick(s, seedAdjectives) + " " + pick(s, seedTypes).name
		}
		size := min(len(s.products), 1+s.skewed(200))
		members := make([]int64, 0, size)
		seen := make(map[int64]bool, size)
		for len(members) < size {
			p := s.products[s.rng.IntN(len(s.products))]
			if !seen[p.ID] {
				seen[p.ID] = true
				members = append(members, p.ID)
			}
		}
		in := CollectionInput{Title: &title, ProductIDs: members}
		if s.chance(0.5) {
			desc := "<p>" + title + ", picked by our team.</p>"
			in.DescriptionHTML = &desc
		}
		if _, err := s.shop.CreateCollection(in); err != nil {
			return err
		}
	}
	for i := range s.cfg.SmartCollections {
		title, rules := s.smartRules(i)
		if _, err := s.shop.CreateCollection(CollectionInput{Title: &title, RuleSet: rules}); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) smartRules(i int) (string, *CollectionRuleSet) {
	p := s.products[s.rng.IntN(len(s.products))]
	tag := func(p *Product) string {
		if len(p.Tags) == 0 {
			return "sale"
		}
		return p.Tags[s.rng.IntN(len(p.Tags))]
	}
	rule := func(column, relation, condition string) CollectionRule {
		return CollectionRule{Column: column, Relation: relation, Condition: condition}
	}
	switch i % 7 {
	case 0:
		return "All " + p.ProductType, &CollectionRuleSet{Rules: []CollectionRule{rule("TYPE", "EQUALS", p.ProductType)}}
	case 1:
		return "Shop " + p.Vendor, &CollectionRuleSet{Rules: []CollectionRule{rule("VENDOR", "EQUALS", p.Vendor)}}
	case 2:
		t := tag(p)
		return "Tagged " + t, &CollectionRuleSet{Rules: []CollectionRule{rule("TAG", "EQUALS", t)}}
	case 3:
		words := strings.Fields(p.Title)
		w := words[len(words)-1]
		return w + " Edit", &CollectionRuleSet{Rules: []CollectionRule{rule("TITLE", "CONTAINS", w)}}
	case 4:
		limit := pick(s, []int{25, 50, 100})
		if s.chance(0.5) {
			return "Under $" + strconv.Itoa(limit), &CollectionRuleSet{Rules: []CollectionRule{rule("VARIANT_PRICE", "LESS_THAN", strconv.Itoa(limit))}}
		}
		return "Over $" + strconv.Itoa(limit), &CollectionRuleSet{Rules: []CollectionRule{rule("VARIANT_PRICE", "GREATER_THAN", strconv.Itoa(limit))}}
	case 5:
		t := tag(p)
		return p.ProductType + " tagged " + t, &CollectionRuleSet{Rules: []CollectionRule{rule("TYPE", "EQUALS", p.ProductType), rule("TAG", "EQUALS", t)}}
	default:
		q := s.products[s.rng.IntN(len(s.products))]
		return p.Vendor + " or " + q.Vendor, &CollectionRuleSet{AppliedDisjunctively: true,
			Rules: []CollectionRule{rule("VENDOR", "EQUALS", p.Vendor), rule("VENDOR", "EQUALS", q.Vendor)}}
	}
}

func (s *seeder) seedPages() error {
	for i := range s.cfg.Pages {
		var title, body string
		if i < len(seedPages) {
			title, body = seedPages[i].title, seedPages[i].body
		} else {
			title = pick(s, seedModelNames) + " Pop-up " + strconv.Itoa(i-len(seedPages)+1)
			body = "<p>Join us at our " + pick(s, seedCities).city + " pop-up.</p>"
		}
		published := i == 0 || s.chance(0.9)
		if _, err := s.shop.CreatePage(PageInput{Title: &title, Body: &body, Published: &published}); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) seedBlogs() error {
	var blogs []int64
	for i := range s.cfg.Blogs {
		title := "Blog " + strconv.Itoa(i+1)
		if i < len(seedBlogs) {
			title = seedBlogs[i]
		}
		policy := pick(s, []string{"MODERATED", "MODERATED", "CLOSED", "AUTO_PUBLISHED"})
		b, err := s.shop.CreateBlog(BlogInput{Title: &title, CommentPolicy: &policy})
		if err != nil {
			return err
		}
		blogs = append(blogs, b.ID)
	}
	for i := range s.cfg.Articles {
		typ := pick(s, seedTypes)
		noun := pick(s, typ.nouns)
		title := pick(s, seedArticleTopics) + " " + noun
		body := "<p>" + title + ": notes from our studio.</p><p>" + pick(s, seedMaterials) + " and patience, mostly.</p>"
		author := pick(s, seedAuthors)
		tags := []string{strings.ToLower(typ.name)}
		if s.chance(0.5) {
			tags = append(tags, pick(s, seedSeasons))
		}
		in := ArticleInput{BlogID: blogs[i%len(blogs)], Title: &title, Body: &body, Author: &author, Tags: &tags}
		if s.chance(0.5) {
			summary := "<p>" + noun + ", explained.</p>"
			in.Summary = &summary
		}
		if s.chance(0.85) {
			date := seedEpoch.Add(time.Duration(s.rng.IntN(365*24)) * time.Hour)
			in.PublishDate = &date
		} else {
			published := false
			in.Published = &published
		}
		if _, err := s.shop.CreateArticle(in); err != nil {
			return err
		}
	}
	return nil
}
