package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.GuardRatesTest.admit;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code message_rate_per_recipient}: mail for one mailbox, from however many addresses. */
class RecipientRatesTest {

    private static final String BOB = "bob@example.test";
    private static final String ALICE = "alice@example.test";

    private final SteppingClock clock = new SteppingClock();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger security = (Logger) LoggerFactory.getLogger(RefusalLog.LOGGER);

    @BeforeEach
    void listen() {
        log.start();
        security.addAppender(log);
    }

    @AfterEach
    void stopListening() {
        security.detachAppender(log);
    }

    private static GuardPolicy perRecipient(GuardPolicy base, int messages, Duration per) {
        return base.withMessageRatePerRecipient(Optional.of(new Rate(messages, per)));
    }

    @Test
    void theMessageOverTheRateForOneMailboxIsRefusedWhicheverAddressSendsIt() {
        Guard guard = new Guard(() -> perRecipient(GuardPolicy.defaults(), 3, Duration.ofMinutes(1)), clock);
        for (int i = 1; i <= 3; i++) {
            assertThat(admit(guard, ip("198.51.100." + i)).deliveryAllowed(BOB).isAllowed()).isTrue();
        }

        GuardedConnection fourth = admit(guard, ip("198.51.100.4"));
        assertThat(fourth.deliveryAllowed(BOB)).isInstanceOfSatisfying(Decision.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.MAILBOX_RATE);
            assertThat(r.reason().permanent()).isFalse();
            assertThat(r.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2));
        });
        assertThat(fourth.deliveryAllowed(ALICE).isAllowed()).as("another mailbox").isTrue();
        assertThat(guard.refusals(Reason.MAILBOX_RATE)).isEqualTo(1);
        assertThat(guard.refusals(Reason.MESSAGE_RATE)).as("no per-address count").isZero();
    }

    @Test
    void refusedMessagesAreNotCountedSoTheMailboxOpensAgainWhenTheWindowPasses() {
        Guard guard = new Guard(() -> perRecipient(GuardPolicy.defaults(), 2, Duration.ofMinutes(1)), clock);
        GuardedConnection sender = admit(guard, ip("198.51.100.1"));
        sender.deliveryAllowed(BOB);
        sender.deliveryAllowed(BOB);
        for (int i = 0; i < 100; i++) {
            assertThat(sender.deliveryAllowed(BOB).isAllowed()).isFalse();
        }

        clock.advance(Duration.ofMinutes(2));
        assertThat(sender.deliveryAllowed(BOB).isAllowed()).as("the refusals took nothing from the next window").isTrue();
        assertThat(sender.deliveryAllowed(BOB).isAllowed()).isTrue();
        assertThat(sender.deliveryAllowed(BOB).isAllowed()).isFalse();
    }

    @Test
    void aMessageGivenBackLeavesRoomForAnother() {
        Guard guard = new Guard(() -> perRecipient(GuardPolicy.defaults(), 2, Duration.ofMinutes(1)), clock);
        GuardedConnection sender = admit(guard, ip("198.51.100.1"));
        for (int i = 0; i < 10; i++) {
            assertThat(sender.deliveryAllowed(BOB).isAllowed()).isTrue();
            sender.deliveryAbandoned(BOB);
        }
        sender.deliveryAllowed(BOB);
        sender.deliveryAllowed(BOB);
        assertThat(sender.deliveryAllowed(BOB).isAllowed()).as("two delivered use the share").isFalse();

        sender.deliveryAbandoned(BOB);
        assertThat(sender.deliveryAllowed(BOB).isAllowed()).isTrue();
        sender.deliveryAbandoned(ALICE);
        assertThat(sender.deliveryAllowed(ALICE).isAllowed()).as("a mailbox never counted").isTrue();
        assertThat(sender.deliveryAllowed(ALICE).isAllowed()).isTrue();
        assertThat(sender.deliveryAllowed(ALICE).isAllowed()).as("giving back nothing made no room").isFalse();
    }

    @Test
    void aMessageCountedInThePreviousWindowIsGivenBackFromIt() {
        Rate rate = new Rate(2, Duration.ofMinutes(1));
        SlidingCount count = new SlidingCount(clock.millis());
        long per = rate.per().toMillis();
        count.add(clock.millis(), per);
        count.add(clock.millis(), per);
        clock.advance(Duration.ofSeconds(90));
        assertThat(count.estimate(clock.millis(), per)).isEqualTo(1.0);

        count.remove(clock.millis(), per);
        assertThat(count.estimate(clock.millis(), per)).isEqualTo(0.5);
        count.remove(clock.millis(), per);
        count.remove(clock.millis(), per);
        assertThat(count.estimate(clock.millis(), per)).as("never below nothing").isZero();
    }

    @Test
    void offLimitsNothing() {
        Guard guard = new Guard(GuardPolicy::defaults, clock);
        assertThat(GuardPolicy.defaults().messageRatePerRecipient()).isEmpty();
        GuardedConnection sender = admit(guard, ip("198.51.100.1"));

        for (int i = 0; i < 1_000; i++) {
            assertThat(sender.deliveryAllowed(BOB).isAllowed()).isTrue();
        }
        assertThat(guard.refusals(Reason.MAILBOX_RATE)).isZero();
    }

    @Test
    void allowedClientsAreNeitherLimitedNorCounted() {
        GuardPolicy allowing = Policies.withRules(GuardPolicy.defaults(), List.of(), List.of("192.0.2.0/24"));
        Guard guard = new Guard(() -> perRecipient(allowing, 2, Duration.ofMinutes(1)), clock);
        GuardedConnection relay = admit(guard, ip("192.0.2.25"));
        for (int i = 0; i < 50; i++) {
            assertThat(relay.deliveryAllowed(BOB).isAllowed()).isTrue();
        }

        GuardedConnection stranger = admit(guard, ip("198.51.100.1"));
        assertThat(stranger.deliveryAllowed(BOB).isAllowed()).as("the allowed client used none of the share").isTrue();
        assertThat(stranger.deliveryAllowed(BOB).isAllowed()).isTrue();
        assertThat(stranger.deliveryAllowed(BOB).isAllowed()).isFalse();
    }

    @Test
    void modeObserveRefusesNothingAndCountsWhatItWouldHaveRefused() {
        Guard guard = new Guard(() -> perRecipient(Policies.observing(GuardPolicy.defaults()), 2, Duration.ofMinutes(1)),
                clock);
        GuardedConnection sender = admit(guard, ip("198.51.100.1"));
        for (int i = 0; i < 5; i++) {
            assertThat(sender.deliveryAllowed(BOB).isAllowed()).isTrue();
        }
        assertThat(guard.refusals(Reason.MAILBOX_RATE)).isEqualTo(3);
        assertThat(names()).containsExactly("mailbox-limited");
        assertThat(fields(0)).containsEntry("mode", "observe");
    }

    @Test
    void aReloadThatTurnsTheLimitOnOrOffAppliesAtTheNextMessage() {
        AtomicReference<GuardPolicy> policy = new AtomicReference<>(GuardPolicy.defaults());
        Guard guard = new Guard(policy::get, clock);
        GuardedConnection sender = admit(guard, ip("198.51.100.1"));
        sender.deliveryAllowed(BOB);

        policy.set(perRecipient(GuardPolicy.defaults(), 1, Duration.ofHours(1)));
        assertThat(sender.deliveryAllowed(BOB).isAllowed()).as("nothing was counted while off").isTrue();
        assertThat(sender.deliveryAllowed(BOB).isAllowed()).isFalse();

        policy.set(GuardPolicy.defaults());
        assertThat(sender.deliveryAllowed(BOB).isAllowed()).isTrue();
    }

    @Test
    void aBombingFromManyAddressesWritesOneLineThenOneSummaryNamingTheMailbox() {
        Guard guard = new Guard(() -> perRecipient(GuardPolicy.defaults(), 3, Duration.ofHours(1)), clock);
        for (int i = 0; i < 1_000; i++) {
            admit(guard, ip("10.1." + (i >>> 8) + "." + (i & 0xff))).deliveryAllowed(BOB);
        }
        clock.advance(Duration.ofSeconds(61));
        guard.maintain();

        assertThat(names()).containsExactly("mailbox-limited", "mailbox-limited");
        assertThat(fields(0)).containsEntry("mailbox", BOB).containsEntry("reason", "MAILBOX_RATE")
                .containsEntry("limit", "3/1h").containsEntry("protocol", "echo").doesNotContainKey("summary");
        assertThat(fields(1)).containsEntry("mailbox", BOB).containsEntry("summary", "true")
                .containsEntry("repeats", String.valueOf(1_000 - 3 - 1));
        assertThat(guard.refusals(Reason.MAILBOX_RATE)).isEqualTo(1_000 - 3);
    }

    @Test
    void atMostCapacityMailboxesAreCountedAndIdleOnesAreSwept() {
        Rate rate = new Rate(1, Duration.ofMinutes(1));
        RecipientRates rates = new RecipientRates(2, new SecurityEvents(clock, GuardPolicy::defaults));
        Slot slot = new Slot(ip("198.51.100.1"), "smtp", GuardPolicy.defaults(), 0, 0, 0, 0, null);
        rates.delivery(slot, "a@example.test", rate, false, clock.millis());
        rates.delivery(slot, "b@example.test", rate, false, clock.millis());
        rates.delivery(slot, "c@example.test", rate, false, clock.millis());
        assertThat(rates.size()).isEqualTo(2);
        assertThat(rates.delivery(slot, "a@example.test", rate, false, clock.millis()).isAllowed())
                .as("the least recently counted was forgotten").isTrue();

        clock.advance(Duration.ofMinutes(2).plusSeconds(30));
        rates.delivery(slot, "d@example.test", rate, false, clock.millis());
        rates.sweep(rate, clock.millis());
        assertThat(rates.size()).as("only the mailbox counted within the window stays").isEqualTo(1);
        rates.sweep(null, clock.millis());
        assertThat(rates.size()).as("all forgotten once the limit is off").isZero();
    }

    private List<String> names() {
        return log.list.stream().map(ILoggingEvent::getMessage).toList();
    }

    private Map<String, String> fields(int index) {
        return log.list.get(index).getKeyValuePairs().stream()
                .collect(Collectors.toMap(kv -> kv.key, kv -> String.valueOf(kv.value), (a, b) -> b));
    }
}
