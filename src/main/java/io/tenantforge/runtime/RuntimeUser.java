package io.tenantforge.runtime;

/**
 * The unprivileged {@code uid:gid} a tenant container runs as. Numeric on purpose: the
 * product image need not have a passwd entry for it, and the host need not know it
 * either, yet the secret files can be given to exactly this uid. Root (uid or gid 0) is
 * refused: with host networking and bind mounts, a root process is one capability away
 * from files it should not touch.
 */
public record RuntimeUser(int uid, int gid) {

	public RuntimeUser {
		if (uid <= 0 || gid <= 0) {
			throw new IllegalArgumentException(
					"tenant containers never run as root: uid and gid must be above 0, got " + uid + ":" + gid);
		}
	}

	/**
	 * Parses {@code uid:gid} (or {@code uid}, then the gid is the uid), as in
	 * {@code docker run --user}.
	 */
	public static RuntimeUser parse(String spec) {
		if (spec == null || !spec.strip().matches("\\d{1,9}(:\\d{1,9})?")) {
			throw new IllegalArgumentException(
					"the tenant runtime user must be a numeric uid:gid such as 10001:10001, got '" + spec + "'");
		}
		String[] parts = spec.strip().split(":");
		int uid = Integer.parseInt(parts[0]);
		return new RuntimeUser(uid, parts.length > 1 ? Integer.parseInt(parts[1]) : uid);
	}

	/** The engine's form, {@code uid:gid}. */
	public String spec() {
		return uid + ":" + gid;
	}

}
