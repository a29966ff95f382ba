package org.agua.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {

    @ParameterizedTest
    @CsvSource({"100B,100", "1024,1024", "512KB,524288", "25MB,26214400", "1GB,1073741824", "25mb,26214400", "2 MB,2097152"})
    void sizesAreReadInPowersOf1024(String text, long bytes) {
        assertThat(Size.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MB", "25XB", "-1MB", "1.5MB", "99999999999999999999GB", "9999999999TB"})
    void malformedSizesAreRefusedWithTheText(String text) {
        assertThatThrownBy(() -> Size.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
    }

    @Test
    void sizeIsWrittenBackInTheLargestExactUnit() {
        assertThat(Size.parse("25MB")).hasToString("25MB");
        assertThat(Size.parse("1536KB")).hasToString("1536KB");
        assertThat(Size.parse("100")).hasToString("100B");
    }

    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S", "30s,PT30S", "5m,PT5M", "1h,PT1H", "7d,PT168H"})
    void durationsTakeOneUnit(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "5 minutes", "1w", "h", "-5m", "1h30m"})
    void durationsWithoutAKnownUnitAreRefused(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration (like 500ms, 30s, 5m, 1h or 7d)");
    }

    @Test
    void durationIsFormattedInTheLargestWholeUnit() {
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void rateIsCountPerDuration() {
        assertThat(Rate.parse("30/1m")).isEqualTo(new Rate(30, Duration.ofMinutes(1)));
        assertThat(Rate.parse("5 / 10m")).isEqualTo(new Rate(5, Duration.ofMinutes(10)));
        assertThat(Rate.parse("5/10m")).hasToString("5/10m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "x/1m", "30/", "30/1x", "0/1m", "5/0s", "-1/1m"})
    void malformedRatesAreRefused(String text) {
        assertThatThrownBy(() -> Rate.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
    }

    @Test
    void hostPortReadsIpv4Ipv6AndWildcards() {
        assertThat(HostPort.parse("127.0.0.1:2525")).isEqualTo(new HostPort("127.0.0.1", 2525));
        assertThat(HostPort.parse("[::1]:2525")).isEqualTo(new HostPort("::1", 2525));
        assertThat(HostPort.parse("*:25")).isEqualTo(new HostPort("*", 25));
        assertThat(HostPort.parse("0.0.0.0:25").isAnyHost()).isTrue();
        assertThat(HostPort.parse("[::]:25").isAnyHost()).isTrue();
        assertThat(HostPort.parse("localhost:25").isAnyHost()).isFalse();
        assertThat(HostPort.parse("[::1]:2525")).hasToString("[::1]:2525");
    }

    @Test
    void hostPortGivesABindableAddress() {
        InetSocketAddress loopback = HostPort.parse("127.0.0.1:2525").toSocketAddress();
        assertThat(loopback.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(loopback.getPort()).isEqualTo(2525);
        assertThat(HostPort.parse("*:25").toSocketAddress().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(HostPort.parse("[::1]:25").toSocketAddress().getAddress().isLoopbackAddress()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1|has no port",
            "127.0.0.1:|has no valid port",
            "127.0.0.1:70000|port 70000 is out of range (0-65535)",
            "::1:25|put IPv6 addresses in brackets",
            "[::1]25|is not HOST:PORT",
            "300.1.1.1:25|is not an IPv4 address",
            "10.0.0.0/8:25|not a network",
            "bad_host:25|is not an IP address or host name",
            ":25|has no host"})
    void malformedListenAddressesSayWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void listenersClashOnTheSamePortWhenAddressesOverlap() {
        assertThat(HostPort.parse("127.0.0.1:25").clashesWith(HostPort.parse("127.0.0.1:25"))).isTrue();
        assertThat(HostPort.parse("*:25").clashesWith(HostPort.parse("127.0.0.1:25"))).isTrue();
        assertThat(HostPort.parse("[::1]:25").clashesWith(HostPort.parse("[0:0::1]:25"))).isTrue();
        assertThat(HostPort.parse("127.0.0.1:25").clashesWith(HostPort.parse("127.0.0.2:25"))).isFalse();
        assertThat(HostPort.parse("127.0.0.1:25").clashesWith(HostPort.parse("127.0.0.1:26"))).isFalse();
        assertThat(HostPort.parse("127.0.0.1:0").clashesWith(HostPort.parse("127.0.0.1:0"))).isFalse();
    }

    @Test
    void nearestKeyFindsTyposButNotUnrelatedWords() {
        assertThat(NearestKey.among("max_conections", java.util.List.of("max_connections", "max_connections_per_ip")))
                .contains("max_connections");
        assertThat(NearestKey.among("maxConnections", java.util.List.of("max_connections", "mode"))).contains("max_connections");
        assertThat(NearestKey.among("colour", java.util.List.of("max_connections", "mode"))).isEmpty();
    }
}
