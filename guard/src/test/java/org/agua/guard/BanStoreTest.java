package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.GuardRatesTest.admit;
import static org.agua.guard.GuardRatesTest.reasonOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BanStoreTest {

    @TempDir
    Path dir;

    private final SteppingClock clock = new SteppingClock();
    private final GuardPolicy policy = GuardPolicy.defaults();

    @Test
    void banSurvivesARestart() {
        Path file = dir.resolve("bans");
        Guard before = guard(file);
        Ban ban = before.ban(Cidr.parse("203.0.113.0/24"), Duration.ofHours(2), "seen in the logs");

        Guard after = guard(file);

        assertThat(after.bans()).containsExactly(ban);
        assertThat(reasonOf(after.admit(ip("203.0.113.7"), "echo"))).isEqualTo(Reason.BANNED);
    }

    @Test
    void automaticBanIsSavedWithItsCountsAndARestartDuringItKeepsTheOffenceForTheNextBan() {
        Path file = dir.resolve("bans");
        Guard before = guard(file);
        failLogins(before, "203.0.113.7");
        Ban first = before.bans().get(0);

        clock.advance(Duration.ofMinutes(30));
        Guard after = guard(file);
        clock.advance(Duration.ofMinutes(30));
        assertThat(after.bans()).isEmpty();
        failLogins(after, "203.0.113.7");

        assertThat(first.counts()).containsEntry("auth_failures", 5L);
        assertThat(after.bans().get(0).duration()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void loadedFileDropsEndedBans() throws Exception {
        Path file = dir.resolve("bans");
        Instant now = clock.instant();
        new BanStore(file).save(List.of(
                ban("192.0.2.1", now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1))),
                ban("192.0.2.2", now, now.plus(Duration.ofHours(1)))));

        Guard guard = guard(file);

        assertThat(guard.bans()).extracting(Ban::network).containsExactly(Cidr.parse("192.0.2.2"));
    }

    @Test
    void corruptOrPartialLineIsSkippedAndTheOthersLoad() throws Exception {
        Path file = dir.resolve("bans");
        Instant now = clock.instant();
        String good = BanStore.format(ban("192.0.2.2", now, now.plus(Duration.ofHours(1))));
        Files.writeString(file, String.join("\n",
                "# agua bans v1",
                "not a ban at all",
                "192.0.2.300\t" + now + "\t" + now.plusSeconds(60) + "\tMANUAL\t-\tbad address",
                good,
                good.substring(0, good.length() / 2)), StandardCharsets.UTF_8);

        Guard guard = guard(file);

        assertThat(guard.bans()).extracting(Ban::network).containsExactly(Cidr.parse("192.0.2.2"));
    }

    @Test
    void missingFileMeansNoBans() {
        Guard guard = guard(dir.resolve("absent/bans"));

        assertThat(guard.bans()).isEmpty();
    }

    @Test
    void lineRoundTripKeepsEveryFieldAndFlattensControlCharactersInTheReason() {
        Instant now = clock.instant();
        Ban ban = new Ban(Cidr.parse("2001:db8:bad::/48"), Ban.Cause.NEIGHBOURHOOD, "three\tbanned\naddresses",
                Map.of("banned_addresses", 3L), now, now.plus(Duration.ofDays(1)));

        Ban back = BanStore.parse(BanStore.format(ban));

        assertThat(back.network()).isEqualTo(ban.network());
        assertThat(back.cause()).isEqualTo(ban.cause());
        assertThat(back.counts()).isEqualTo(ban.counts());
        assertThat(back.start()).isEqualTo(ban.start());
        assertThat(back.expiry()).isEqualTo(ban.expiry());
        assertThat(back.reason()).isEqualTo("three banned addresses");
    }

    @Test
    void liftedBanIsGoneFromTheFileAtOnce() {
        Path file = dir.resolve("bans");
        Guard before = guard(file);
        before.ban(Cidr.parse("203.0.113.7"), Duration.ofHours(1), "");

        before.unban(Cidr.parse("203.0.113.7"));

        assertThat(guard(file).bans()).isEmpty();
    }

    @Test
    void automaticBansAreWrittenAtMostOnceASecondAndTheRestAtTheNextHousekeeping() throws Exception {
        Path file = dir.resolve("bans");
        Guard guard = guard(file);
        failLogins(guard, "203.0.113.1");
        failLogins(guard, "198.51.100.1"); // within the same second: not written yet

        assertThat(bannedInFile(file)).containsExactly("203.0.113.1");

        clock.advance(Duration.ofSeconds(1));
        guard.maintain();
        assertThat(bannedInFile(file)).containsExactlyInAnyOrder("203.0.113.1", "198.51.100.1");
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void saveBansWritesPendingChangesAtOnce() throws Exception {
        Path file = dir.resolve("bans");
        Guard guard = guard(file);
        failLogins(guard, "203.0.113.1");
        failLogins(guard, "198.51.100.1");

        guard.saveBans();

        assertThat(bannedInFile(file)).hasSize(2);
    }

    @Test
    void automaticBanIsWrittenByTheSaverNotByTheThreadThatReportedTheFailure() throws Exception {
        Path file = dir.resolve("bans");
        List<Runnable> queued = new ArrayList<>();
        Guard guard = new Guard(() -> policy, clock, file, Guard.MAX_TRACKED_ADDRESSES, queued::add);

        failLogins(guard, "203.0.113.1");
        failLogins(guard, "198.51.100.1");

        assertThat(file).doesNotExist();
        assertThat(queued).hasSize(1);
        queued.get(0).run();
        assertThat(bannedInFile(file)).containsExactlyInAnyOrder("203.0.113.1", "198.51.100.1");
    }

    @Test
    void operatorBanIsWrittenBeforeBanReturns() throws Exception {
        Path file = dir.resolve("bans");
        List<Runnable> queued = new ArrayList<>();
        Guard guard = new Guard(() -> policy, clock, file, Guard.MAX_TRACKED_ADDRESSES, queued::add);

        guard.ban(Cidr.parse("192.0.2.0/24"), Duration.ofHours(1), "test");

        assertThat(queued).isEmpty();
        assertThat(bannedInFile(file)).containsExactly("192.0.2.0/24");
    }

    /** A guard whose ban file is written on the calling thread, so a test sees it at once. */
    private Guard guard(Path file) {
        return new Guard(() -> policy, clock, file, Guard.MAX_TRACKED_ADDRESSES, Runnable::run);
    }

    private List<String> bannedInFile(Path file) throws Exception {
        return Files.readAllLines(file).stream().filter(line -> !line.startsWith("#"))
                .map(line -> line.substring(0, line.indexOf('\t'))).toList();
    }

    private static void failLogins(Guard guard, String address) {
        GuardedConnection connection = admit(guard, ip(address));
        for (int i = 0; i < 5; i++) {
            connection.loginFailed("admin", "guess" + i);
        }
        connection.release();
    }

    private static Ban ban(String network, Instant start, Instant expiry) {
        return new Ban(Cidr.parse(network), Ban.Cause.MANUAL, "test", Map.of(), start, expiry);
    }
}
