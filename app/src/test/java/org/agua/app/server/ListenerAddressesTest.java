package org.agua.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import org.agua.config.HostPort;
import org.agua.config.Listeners;
import org.agua.guard.AddressSet;
import org.agua.guard.Cidr;
import org.junit.jupiter.api.Test;

class ListenerAddressesTest {

    @Test
    void listenersOnAddressesGiveExactlyThoseAddresses() throws Exception {
        Listeners listeners = new Listeners(List.of(HostPort.parse("127.0.0.1:25"), HostPort.parse("[::1]:25")),
                List.of(HostPort.parse("127.0.0.1:587")), List.of(), List.of(HostPort.parse("192.0.2.25:110")),
                List.of(), List.of());

        AddressSet own = ListenerAddresses.of(listeners);

        assertThat(own.members()).containsExactly(Cidr.parse("127.0.0.1"), Cidr.parse("192.0.2.25"), Cidr.parse("::1"));
    }

    @Test
    void listenerOnEveryInterfaceGivesEachAddressOfTheMachine() throws Exception {
        AddressSet own = ListenerAddresses.of(new Listeners(List.of(HostPort.parse("*:25")), List.of(), List.of(),
                List.of(HostPort.parse("127.0.0.1:110")), List.of(), List.of()));

        List<InetAddress> machine = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream()).toList();
        assertThat(machine).isNotEmpty();
        for (InetAddress address : machine) {
            assertThat(own.contains(address)).as(address.toString()).isTrue();
        }
        assertThat(own.size()).isEqualTo(AddressSet.of(machine).size());
        assertThat(own.contains(InetAddress.getByName("192.0.2.25"))).isFalse();
    }

    @Test
    void noListenerGivesNoAddress() {
        assertThat(ListenerAddresses.of(Listeners.none())).isEqualTo(AddressSet.EMPTY);
    }
}
