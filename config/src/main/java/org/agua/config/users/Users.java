package org.agua.config.users;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The users of one users-file generation; immutable, replaced whole when the file changes. */
public final class Users {

    /**
     * Checked when the address is unknown, so a failed login costs the same time whether or not the
     * user exists and the timing does not tell an attacker which addresses are real.
     */
    private static final PasswordHash ABSENT_USER = PasswordHash.parse(
            "{SHA512-CRYPT}$6$aguaabsentuser00$qgwFrAKigDHdDRb0Cw46QlFwn5z/fEiHM18PudroLbIIcC6pTp40LcqV7ug.wtiZaA6p4DbsxxIYQ/eUeF5U81");

    private final Map<String, User> byAddress;

    private Users(Map<String, User> byAddress) {
        this.byAddress = byAddress;
    }

    public static Users empty() {
        return new Users(Map.of());
    }

    /** Throws {@link IllegalArgumentException} when two users have the same address. */
    public static Users of(List<User> users) {
        Map<String, User> map = new LinkedHashMap<>();
        for (User u : users) {
            if (map.putIfAbsent(u.address(), u) != null) {
                throw new IllegalArgumentException("user " + u.address() + " is listed twice");
            }
        }
        return new Users(Collections.unmodifiableMap(map));
    }

    /** Case-insensitive on the whole address, as mail addresses of local users are here. */
    public Optional<User> find(String address) {
        return Optional.ofNullable(byAddress.get(address.toLowerCase(Locale.ROOT)));
    }

    /** True only for a known user and the right password; takes about as long when the user is unknown. */
    public boolean verify(String address, String password) {
        Optional<User> user = find(address);
        if (user.isEmpty()) {
            ABSENT_USER.matches(password);
            return false;
        }
        return user.get().hash().matches(password);
    }

    /** The addresses, in the order of the file. */
    public List<String> addresses() {
        return List.copyOf(byAddress.keySet());
    }

    /** The clear-text password of a {@code {PLAIN}} user, which APOP needs; empty for every other scheme. */
    public Optional<String> plainPassword(String address) {
        return find(address)
                .map(User::hash)
                .filter(h -> h instanceof PasswordHash.Plain)
                .map(h -> ((PasswordHash.Plain) h).password());
    }

    public int size() {
        return byAddress.size();
    }

    @Override
    public String toString() {
        return "Users" + addresses();
    }
}
