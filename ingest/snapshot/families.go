package snapshot

import (
	"fmt"

	"github.com/shopsync/shopsync/schema/events"
)

// Spec is how one resource family is read whole: the bulk query that exports
// it. Every family is one bulk query, so that one ingest_runs row (which holds
// one bulk operation id) describes the whole read; each query stays within
// Shopify's limits of five connections nested at most two levels (FACTS.md
// §1.1), reads connections through edges { node } and selects the id of every
// node that holds a nested connection (its children's __parentId).
//
// The fields are those of shopify/client's reconciliation fragments
// (operations/*.graphql), so a row read by a snapshot and the same row read
// by reconciliation are the same JSON and hash the same: a reconcile pass
// after a snapshot changes nothing that did not change in Shopify.
type Spec struct {
	Family events.Family
	// Query is the bulk query document.
	Query string
}

// Specs lists every family, in the order a snapshot starts them: the
// catalogue first, since the planner needs it before anything else.
func Specs() []Spec {
	return []Spec{
		{events.Products, productsQuery},
		{events.Inventory, inventoryQuery},
		{events.Collections, collectionsQuery},
		{events.Content, contentQuery},
		{events.Orders, ordersQuery},
	}
}

// SpecOf returns the Spec of a family.
func SpecOf(f events.Family) (Spec, error) {
	for _, s := range Specs() {
		if s.Family == f {
			return s, nil
		}
	}
	return Spec{}, fmt.Errorf("snapshot: unknown resource family %q", f)
}

// ParseFamilies turns family names into families, all of them for none.
func ParseFamilies(names []string) ([]events.Family, error) {
	if len(names) == 0 {
		return events.Families(), nil
	}
	out := make([]events.Family, 0, len(names))
	for _, n := range names {
		s, err := SpecOf(events.Family(n))
		if err != nil {
			return nil, err
		}
		out = append(out, s.Family)
	}
	return out, nil
}

// Products: products and their variants, each variant with its inventory
// item inline (an object, not a connection). 2 connections, depth 1.
const productsQuery = `{
  products {
    edges {
      node {
        id
        legacyResourceId
        handle
        title
        status
        productType
        vendor
        tags
        descriptionHtml
        templateSuffix
        seo { title description }
        options { id name position values }
        hasOnlyDefaultVariant
        tracksInventory
        totalInventory
        publishedAt
        createdAt
        updatedAt
        variants {
          edges {
            node {
              id
              legacyResourceId
              title
              displayName
              sku
              barcode
              price
              compareAtPrice
              position
              taxable
              inventoryPolicy
              inventoryQuantity
              selectedOptions { name value }
              inventoryItem {
                id
                legacyResourceId
                sku
                tracked
                requiresShipping
                unitCost { amount currencyCode }
                createdAt
                updatedAt
              }
              createdAt
              updatedAt
            }
          }
        }
      }
    }
  }
}`

// Inventory: every location (inactive and legacy ones too, as the
// reconciliation read does), and every inventory item with its levels'
// available and on_hand quantities. 3 connections, depth 1.
const inventoryQuery = `{
  locations(includeInactive: true, includeLegacy: true) {
    edges {
      node {
        id
        legacyResourceId
        name
        isActive
        fulfillsOnlineOrders
        hasActiveInventory
        deactivatedAt
        address { address1 address2 city province provinceCode country countryCode zip phone }
        createdAt
        updatedAt
      }
    }
  }
  inventoryItems {
    edges {
      node {
        id
        legacyResourceId
        sku
        tracked
        requiresShipping
        unitCost { amount currencyCode }
        createdAt
        updatedAt
        inventoryLevels {
          edges {
            node {
              id
              location { id }
              quantities(names: ["available", "on_hand"]) { name quantity updatedAt }
              createdAt
              updatedAt
            }
          }
        }
      }
    }
  }
}`

// Collections: custom and smart collections (ruleSet) with their member
// product ids. 2 connections, depth 1.
const collectionsQuery = `{
  collections {
    edges {
      node {
        id
        legacyResourceId
        handle
        title
        descriptionHtml
        sortOrder
        templateSuffix
        seo { title description }
        ruleSet { appliedDisjunctively rules { column relation condition } }
        updatedAt
        products {
          edges {
            node {
              id
            }
          }
        }
      }
    }
  }
}`

// Content: pages, and blogs with their articles. 3 connections, depth 1.
const contentQuery = `{
  pages {
    edges {
      node {
        id
        handle
        title
        body
        bodySummary
        isPublished
        publishedAt
        templateSuffix
        createdAt
        updatedAt
      }
    }
  }
  blogs {
    edges {
      node {
        id
        handle
        title
        commentPolicy
        tags
        templateSuffix
        createdAt
        updatedAt
        articles {
          edges {
            node {
              id
              handle
              title
              body
              summary
              author { name }
              blog { id }
              tags
              isPublished
              publishedAt
              templateSuffix
              createdAt
              updatedAt
            }
          }
        }
      }
    }
  }
}`

// Orders: orders with their line items. 2 connections, depth 1.
const ordersQuery = `{
  orders {
    edges {
      node {
        id
        legacyResourceId
        name
        email
        phone
        note
        tags
        test
        confirmed
        closed
        closedAt
        cancelledAt
        cancelReason
        currencyCode
        displayFinancialStatus
        displayFulfillmentStatus
        sourceName
        sourceIdentifier
        customer { id displayName firstName lastName }
        billingAddress { ...Address }
        shippingAddress { ...Address }
        subtotalPriceSet { ...Money }
        totalTaxSet { ...Money }
        totalPriceSet { ...Money }
        currentTotalPriceSet { ...Money }
        taxesIncluded
        discountCodes
        totalDiscountsSet { ...Money }
        totalShippingPriceSet { ...Money }
        currentShippingPriceSet { ...Money }
        processedAt
        createdAt
        updatedAt
        lineItems {
          edges {
            node {
              id
              name
              title
              variantTitle
              sku
              vendor
              quantity
              currentQuantity
              requiresShipping
              taxable
              product { id }
              variant { id }
              originalUnitPriceSet { ...Money }
              originalTotalSet { ...Money }
            }
          }
        }
      }
    }
  }
}

fragment Money on MoneyBag {
  shopMoney { amount currencyCode }
  presentmentMoney { amount currencyCode }
}

fragment Address on MailingAddress {
  name
  firstName
  lastName
  company
  address1
  address2
  city
  province
  provinceCode
  country
  countryCodeV2
  zip
  phone
}`
