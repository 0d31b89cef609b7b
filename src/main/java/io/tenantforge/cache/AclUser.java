package io.tenantforge.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One user of {@code ACL LIST}, split into what the health sweep compares: whether it is
 * on, its password hashes, key and channel patterns, command rules, and whether it has
 * selectors (which tenantforge never sets).
 *
 * @param commands the command rules as Redis prints them, e.g.
 * {@code +@all -@dangerous -select}
 */
public record AclUser(String name, boolean on, boolean nopass, List<String> passwordHashes, List<String> keyPatterns,
		List<String> channelPatterns, String commands, boolean selectors) {

	/**
	 * Parses a line such as
	 * {@code user tenant_a on #<sha256> ~tenant:a:* resetchannels &tenant:a:* +@all -select}.
	 */
	public static AclUser parse(String line) {
		List<String> tokens = Arrays.asList(line.strip().split("\\s+"));
		if (tokens.size() < 2 || !tokens.get(0).equals("user")) {
			throw new IllegalArgumentException("not an ACL LIST line: " + line);
		}
		boolean on = false;
		boolean nopass = false;
		boolean selectors = false;
		List<String> passwords = new ArrayList<>();
		List<String> keys = new ArrayList<>();
		List<String> channels = new ArrayList<>();
		List<String> commands = new ArrayList<>();
		for (String token : tokens.subList(2, tokens.size())) {
			if (token.startsWith("(")) {
				selectors = true; // Redis lists selectors after the root rules
				break;
			}
			if (token.equals("on")) {
				on = true;
			}
			else if (token.equals("nopass")) {
				nopass = true;
			}
			else if (token.startsWith("#")) {
				passwords.add(token.substring(1));
			}
			else if (token.startsWith("~") || token.startsWith("%") || token.equals("allkeys")) {
				keys.add(token);
			}
			else if (token.startsWith("&") || token.equals("allchannels")) {
				channels.add(token);
			}
			else if (token.startsWith("+") || token.startsWith("-") || token.equals("allcommands")
					|| token.equals("nocommands")) {
				commands.add(token);
			}
			// off, sanitize-payload, skip-sanitize-payload, resetchannels, resetkeys:
			// nothing to compare
		}
		return new AclUser(tokens.get(1), on, nopass, List.copyOf(passwords), List.copyOf(keys), List.copyOf(channels),
				String.join(" ", commands), selectors);
	}

}
