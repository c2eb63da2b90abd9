# Ports of the local services (deploy/local/services.sh); override any from the environment.
# They sit below Linux's ephemeral range (32768-60999), so an outgoing connection's
# local port can never take one before its service starts.
export SHOPSYNC_PG_PORT ?= 25432
export SHOPSYNC_CH_PORT ?= 29000
export SHOPSYNC_CH_HTTP_PORT ?= 28123
export SHOPSYNC_KAFKA_PORT ?= 29092
export SHOPSYNC_KAFKA_CONTROLLER_PORT ?= 29093
