#!/bin/bash
# kafka-run-class.sh CLASS ARGS...: a Kafka tool on the broker's classpath, quiet logging.
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS_TOOLS:--Xmx256m} -Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties \
  -cp '/opt/kafka/libs/*' "$@"
