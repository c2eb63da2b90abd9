# Ports of the local services (deploy/local/services.sh); override any from the environment.
export SHOPSYNC_PG_PORT ?= 55432
export SHOPSYNC_CH_PORT ?= 59000
export SHOPSYNC_CH_HTTP_PORT ?= 58123
export SHOPSYNC_KAFKA_PORT ?= 59092
export SHOPSYNC_KAFKA_CONTROLLER_PORT ?= 59093
