module github.com/shopsync/shopsync/shopify

go 1.26
