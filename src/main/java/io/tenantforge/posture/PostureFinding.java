package io.tenantforge.posture;

/**
 * One thing on this host that would let a tenant reach beyond its own resources.
 *
 * @param kind what kind of hole it is
 * @param detail what exactly was seen (never a secret)
 * @param fix how an operator closes it
 */
public record PostureFinding(Kind kind, String detail, String fix) {

	/**
	 * The kinds the check looks for; each is a metric
	 * {@code tenantforge_posture_findings{finding=…}}.
	 */
	public enum Kind {

		/** pg_hba.conf lets a tenant role in without a password. */
		POSTGRES_TRUST("postgres-trust"),

		/**
		 * Tenant roles (or PUBLIC) may connect to databases other than the tenants
		 * database.
		 */
		POSTGRES_OTHER_DATABASES("postgres-other-databases"),

		/**
		 * Redis's {@code default} user is on and needs no password: any local process is
		 * that user.
		 */
		REDIS_DEFAULT_NOPASS("redis-default-nopass"),

		/** The order broker accepted a connection without a login. */
		BROKER_ANONYMOUS("broker-anonymous"),

		/**
		 * Tenant containers share the host's network: they reach every loopback service.
		 */
		TENANT_HOST_NETWORK("tenant-host-network"),

		/** Other users may write into the order inbox. */
		INBOX_WORLD_WRITABLE("inbox-world-writable");

		private final String id;

		Kind(String id) {
			this.id = id;
		}

		@com.fasterxml.jackson.annotation.JsonValue
		public String id() {
			return id;
		}

	}

}
