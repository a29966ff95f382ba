package org.agua.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The printed table: the peer beside Agua, and a variant of Agua (the cluster node) in a table of its own. */
class TableTest {

    @TempDir
    Path dir;

    private static String result(String target, double headline) {
        return """
                {"target": "%s", "scenario": "3", "row": "3 blocked flood", "unit": "refusals/s", "headline": %s,
                 "better": "higher", "bar": "none", "bar_met": true, "details": "d-%s", "cpu_server_pct": 40.0}
                """.formatted(target, headline, target).replace("\n", " ") + "\n";
    }

    @Test
    void aVariantOfAguaIsComparedWithAguaAndNotTakenForThePeer() throws Exception {
        Path file = dir.resolve("results.jsonl");
        Files.writeString(file, result("agua", 10000) + result("agua-cluster", 9000) + result("postfix-dovecot", 2500));

        String out = print(file);

        assertThat(out).contains("| scenario | Agua | postfix-dovecot |");
        assertThat(out).contains("| 3 blocked flood | 10,000 refusals/s | 2,500 refusals/s | 4.00 |");
        assertThat(out).contains("| scenario | agua | agua-cluster | agua-cluster against agua | notes |");
        assertThat(out).contains("| 3 blocked flood | 10,000 refusals/s | 9,000 refusals/s | 0.90 | d-agua-cluster;");
    }

    @Test
    void smtpRowsSayWhatFractionOfTheMeanDiskFloorTheyReachedAndGeneratorBoundFiguresSaySo() throws Exception {
        Path file = dir.resolve("results.jsonl");
        String floor = """
                {"target": "disk", "scenario": "disk-floor", "row": "disk floor, 1 thread", "unit": "msg/s",
                 "headline": 2000.0, "better": "higher", "bar": "", "bar_met": true, "details": "p50 0.5 ms",
                 "load_average": 1.5}
                """.replace("\n", " ") + "\n";
        String parallel = floor.replace("1 thread", "10 threads").replace("2000.0", "8000.0");
        String floorAfter = floor.replace("2000.0", "1000.0"); // measured again after scenario 1
        String smtp = """
                {"target": "%s", "scenario": "1", "row": "1 smtp throughput, 1 sender", "unit": "msg/s",
                 "headline": %s, "better": "higher", "bar": "", "bar_met": null, "details": "d",
                 "generator_bound": %s, "senders": 1}
                """;
        String tenSenders = smtp.replace("1 sender", "10 senders").replace("\"senders\": 1", "\"senders\": 10");
        Files.writeString(file, floor + parallel + smtp.formatted("agua", 1500.0, false).replace("\n", " ") + "\n"
                + smtp.formatted("postfix-dovecot", 500.0, true).replace("\n", " ") + "\n"
                + tenSenders.formatted("agua", 4000.0, false).replace("\n", " ") + "\n" + floorAfter);

        String out = print(file);

        assertThat(out).contains("| disk floor, 1 thread | 2,000 msg/s | — | — | measured | p50 0.5 ms; load average 1.5 |");
        assertThat(out).contains("| 1 smtp throughput, 1 sender | 1,500 msg/s | 500 msg/s (generator-bound) | 3.00 |");
        assertThat(out).contains("| disk floor, 1 thread | 1,000 msg/s | — | — | measured |");
        assertThat(out).contains("Agua 100 % of the disk floor (1 thread, mean of the runs before and after), peer 33 %; d;");
        assertThat(out).contains("| 1 smtp throughput, 10 senders | 4,000 msg/s | not run |");
        assertThat(out).contains("Agua 267 % of the disk floor (1 thread, mean of the runs before and after); Agua 50 % of the 10-thread floor; d;");
        assertThat(out).doesNotContain("| disk floor, 1 thread | 2,000 msg/s | not run");
    }

    private static String print(Path file) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            Table.main(new String[] {file.toString()});
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
