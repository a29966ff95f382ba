package org.agua.outbound.delivery;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small authoritative DNS server on a UDP port of 127.0.0.1, answering from the records it is
 * given: a name it holds but not of the asked type gets an empty answer (NODATA), a name it does
 * not hold NXDOMAIN, a name in {@code failing} SERVFAIL. Enough to test MX routing against real
 * DNS packets and dnsjava's real resolver, without a daemon.
 */
public final class TestDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final List<Record> records = new CopyOnWriteArrayList<>();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final Map<Name, Integer> questions = new ConcurrentHashMap<>();
    private final Thread thread;

    public TestDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** {@code "mx.example.test. A 127.0.0.1"}: the name, the type, then the data. */
    public TestDnsServer add(String zoneLine) throws IOException {
        String[] parts = zoneLine.split("\\s+", 3);
        records.add(Record.fromString(Name.fromString(parts[0], Name.root), Type.value(parts[1]), DClass.IN, 60, parts[2], Name.root));
        return this;
    }

    public TestDnsServer fail(String name) throws IOException {
        failing.add(Name.fromString(name, Name.root));
        return this;
    }

    public int questionsAbout(String name) throws IOException {
        return questions.getOrDefault(Name.fromString(name, Name.root), 0);
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] answer = answer(query).toWire(512);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                // closed, or a packet that is not DNS: the next one is served
            }
        }
    }

    private Message answer(Message query) throws IOException {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        questions.merge(name, 1, Integer::sum);
        if (failing.contains(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        boolean known = false;
        for (Record r : records) {
            if (r.getName().equals(name)) {
                known = true;
                if (r.getType() == question.getType()) {
                    response.addRecord(r, Section.ANSWER);
                }
            }
        }
        if (!known) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        return response;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
