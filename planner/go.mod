module github.com/shopsync/shopsync/planner

go 1.26
