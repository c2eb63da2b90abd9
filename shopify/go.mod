module github.com/shopsync/shopsync/shopify

go 1.26

require (
	github.com/stretchr/testify v1.12.1
	github.com/vektah/gqlparser/v2 v2.5.64
)

require (
	github.com/agnivade/levenshtein v1.2.2 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
