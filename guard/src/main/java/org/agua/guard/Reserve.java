package org.agua.guard;

/**
 * {@code known_clients.reserved_connections}: the connection slots, out of {@code max_connections},
 * that only known and allowed clients may take, as a share ({@code 10%}) or a number ({@code 500}).
 * A share follows a reload of {@code max_connections}.
 */
public record Reserve(int amount, boolean percent) {

    public static final Reserve DEFAULT = new Reserve(10, true);
    public static final Reserve NONE = new Reserve(0, false);

    public Reserve {
        if (amount < 0 || (percent && amount > 100)) {
            throw new IllegalArgumentException("reserved_connections must be a number of connections or a share from 0% to 100%");
        }
    }

    /** Parses {@code 10%} or {@code 500}. */
    public static Reserve parse(String text) {
        String t = text.strip();
        boolean percent = t.endsWith("%");
        String digits = percent ? t.substring(0, t.length() - 1).strip() : t;
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' is not a number of connections or a share like 10%");
        }
        return new Reserve(Integer.parseInt(digits), percent);
    }

    /** The slots kept back out of {@code maxConnections}; never all of them, so one unknown client can still be served. */
    public int of(int maxConnections) {
        long kept = percent ? (long) maxConnections * amount / 100 : amount;
        return (int) Math.min(kept, maxConnections - 1L);
    }

    @Override
    public String toString() {
        return percent ? amount + "%" : Integer.toString(amount);
    }
}
