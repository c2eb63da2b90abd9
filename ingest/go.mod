module github.com/shopsync/shopsync/ingest

go 1.26
