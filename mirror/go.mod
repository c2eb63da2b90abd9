module github.com/shopsync/shopsync/mirror

go 1.26
