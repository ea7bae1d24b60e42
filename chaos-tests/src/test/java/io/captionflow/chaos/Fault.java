package io.captionflow.chaos;

/**
 * The faults, injected one at a time, each bounded in time.
 */
enum Fault {

	WORKER_KILL("kill -9 of a worker mid-batch"),

	ALL_WORKERS_KILL("kill -9 of all workers at once"),

	GATEWAY_KILL("kill -9 of a gateway during saves"),

	GATEWAY_RESTART("a gateway restarted while clients stream"),

	BROKER_KILL("kill -9 of the broker, back after 10 s"),

	BROKER_STOP("the broker stopped for 30 s"),

	ONE_BROKER_OF_THREE_KILL("kill -9 of one broker of three, back after 30 s"),

	POSTGRES_STOP("PostgreSQL stopped for 30 s"),

	SSE_CLIENT_STALL("one SSE client stops reading for 30 s"),

	FLOW_EVENTS_REDELIVERED("every flow event published again, shuffled"),

	MEDIA_DISK_FULL("the media root full for 30 s");

	private final String description;

	Fault(String description) {
		this.description = description;
	}

	String description() {
		return this.description;
	}

}
