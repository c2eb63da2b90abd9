module github.com/shopsync/shopsync/applier

go 1.26
