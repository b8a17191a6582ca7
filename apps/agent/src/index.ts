// The edge agent (issue 4): collectors, scrapes, ZeroMQ intake, disk buffer, MQTT delivery.
export {};
