module github.com/shopsync/shopsync/schema

go 1.26
