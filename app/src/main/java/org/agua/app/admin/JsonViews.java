package org.agua.app.admin;

import org.agua.guard.AccountLock;
import org.agua.guard.Ban;
import org.agua.guard.SenderUsage;
import org.agua.guard.SendingSuspension;
import org.agua.guard.Explanation;
import org.agua.guard.dnsbl.DnsblVerdict;
import org.agua.guard.dnsbl.ZoneAnswer;
import java.net.InetAddress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of the admin API's values, as ordered maps: field names in snake_case like the
 * configuration file, times in ISO-8601 UTC, enums in lower case. Kept in one place so that the
 * API, the command line and the README agree on them.
 */
final class JsonViews {

    private JsonViews() {
    }

    static Map<String, Object> ban(Ban ban, java.time.Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("network", ban.network().toString());
        out.put("cause", ban.cause().name().toLowerCase(Locale.ROOT));
        out.put("reason", ban.reason());
        out.put("counts", ban.counts());
        out.put("start", ban.start().toString());
        out.put("expiry", ban.expiry().toString());
        out.put("remaining_s", ban.remaining(now).toSeconds());
        return out;
    }

    static Map<String, Object> suspension(SendingSuspension s, java.time.Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", s.user());
        out.put("reason", s.reason());
        out.put("start", s.start().toString());
        out.put("expiry", s.expiry().toString());
        out.put("remaining_s", s.remaining(now).toSeconds());
        return out;
    }

    static Map<String, Object> lock(AccountLock lock, java.time.Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("account", lock.account());
        out.put("start", lock.start().toString());
        out.put("expiry", lock.expiry().toString());
        out.put("remaining_s", lock.remaining(now).toSeconds());
        out.put("failures", lock.failures());
        out.put("addresses", lock.addresses());
        out.put("mode", lock.observed() ? "observe" : "enforce");
        return out;
    }

    static List<Map<String, Object>> locks(List<AccountLock> list, java.time.Instant now) {
        return list.stream().map(l -> lock(l, now)).toList();
    }

    static List<Map<String, Object>> suspensions(List<SendingSuspension> list, java.time.Instant now) {
        return list.stream().map(s -> suspension(s, now)).toList();
    }

    /** {@code agua why USER}: the user's sending against the per-user limits, its suspension, and its account lock. */
    static Map<String, Object> sender(SenderUsage u, Optional<AccountLock> lock, java.time.Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", u.user());
        out.put("messages", Math.round(u.messages()));
        out.put("send_rate_per_user", u.messageLimit().toString());
        out.put("recipients", Math.round(u.recipients()));
        out.put("recipients_rate_per_user", u.recipientLimit().toString());
        out.put("refusals", Math.round(u.refusals()));
        out.put("suspension", u.suspension().map(s -> suspension(s, now)).orElse(null));
        out.put("lock", lock.map(l -> lock(l, now)).orElse(null));
        StringBuilder text = new StringBuilder();
        text.append(u.user()).append(": ");
        u.suspension().ifPresentOrElse(
                s -> text.append("suspended from sending until ").append(s.expiry()).append(" (").append(s.reason())
                        .append("); can still log in and read mail\n"),
                () -> text.append(u.refusals() >= 1 ? "may send, but was refused lately\n" : "may send\n"));
        text.append("  messages   ").append(Math.round(u.messages())).append(" of send_rate_per_user ")
                .append(u.messageLimit()).append('\n');
        text.append("  recipients ").append(Math.round(u.recipients())).append(" of recipients_rate_per_user ")
                .append(u.recipientLimit()).append('\n');
        text.append("  refusals   ").append(Math.round(u.refusals())).append(" in the last 10m (10 suspend sending for ban_time)\n");
        text.append("  login      ").append(lock.map(l -> "locked for unknown addresses until " + l.expiry() + " ("
                + l.failures() + " failures from " + l.addresses() + " addresses); known and allowed ones still log in")
                .orElse("not locked")).append('\n');
        out.put("description", text.toString());
        return out;
    }

    static List<Map<String, Object>> bans(List<Ban> bans, java.time.Instant now) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Ban ban : bans) {
            out.add(ban(ban, now));
        }
        return out;
    }

    static Map<String, Object> explanation(Explanation e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("address", e.client().getHostAddress());
        out.put("counted_as", e.countedAs().toString());
        out.put("admitted", e.admitted());
        out.put("reason", e.reason().map(r -> r.name().toLowerCase(Locale.ROOT)).orElse(null));
        out.put("rule", e.rule().map(r -> Map.of(
                "network", r.network().toString(),
                "action", r.action().name().toLowerCase(Locale.ROOT))).orElse(null));
        out.put("ban", e.ban().map(b -> ban(b, e.at())).orElse(null));
        List<Map<String, Object>> usage = new ArrayList<>();
        for (Explanation.Usage u : e.usage()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", u.name());
            one.put("used", u.used());
            one.put("limit", u.limit());
            one.put("per_s", u.per().toSeconds());
            one.put("near", u.near());
            usage.add(one);
        }
        out.put("usage", usage);
        out.put("known_client", e.lastLogin().isPresent());
        out.put("last_login", e.lastLogin().map(Object::toString).orElse(null));
        out.put("offences", e.offences());
        out.put("under_stress", e.underStress());
        out.put("mode", e.mode().name().toLowerCase(Locale.ROOT));
        out.put("at", e.at().toString());
        out.put("greeting_pass_until", e.greetingPass().map(Object::toString).orElse(null));
        out.put("description", e.describe());
        return out;
    }

    /**
     * Adds what the DNS blocklists said of the address (from the DNSBL cache, nothing asked) to an
     * {@link #explanation}: a {@code dnsbl} entry, and a line of its description.
     */
    static Map<String, Object> withDnsbl(Map<String, Object> explanation, DnsblVerdict verdict) {
        Map<String, Object> out = new LinkedHashMap<>(explanation);
        List<Map<String, Object>> zones = new ArrayList<>();
        for (ZoneAnswer a : verdict.answers()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("zone", a.zone().name());
            one.put("weight", a.zone().weight());
            one.put("result", a.result().name().toLowerCase(Locale.ROOT));
            one.put("codes", a.codes().stream().map(InetAddress::getHostAddress).toList());
            zones.add(one);
        }
        Map<String, Object> dnsbl = new LinkedHashMap<>();
        dnsbl.put("listed", verdict.listed());
        dnsbl.put("score", verdict.score());
        dnsbl.put("threshold", verdict.answers().isEmpty() ? null : verdict.threshold());
        dnsbl.put("zones", zones);
        out.put("dnsbl", dnsbl);
        out.put("description", explanation.get("description") + "  dnsbl: " + dnsblLine(verdict) + "\n");
        return out;
    }

    private static String dnsblLine(DnsblVerdict verdict) {
        if (verdict.answers().isEmpty()) {
            return "off";
        }
        if (verdict.answers().stream().allMatch(a -> a.result() == ZoneAnswer.Result.UNKNOWN)) {
            return "nothing cached (not asked about recently)";
        }
        return verdict.describe();
    }
}
