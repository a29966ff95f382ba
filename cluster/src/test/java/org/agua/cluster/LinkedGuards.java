package org.agua.cluster;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.agua.guard.Guard;
import org.agua.guard.GuardPolicy;

/** Three guards, n1 to n3, each with its own link to one real redis-server on loopback, all linked when made. */
final class LinkedGuards implements AutoCloseable {

    final TestRedis redis;
    final List<Guard> guards = new ArrayList<>();
    final List<ClusterNode> links = new ArrayList<>();

    private LinkedGuards(TestRedis redis) {
        this.redis = redis;
    }

    static LinkedGuards start(Path dir, Supplier<GuardPolicy> policy) throws IOException {
        LinkedGuards nodes = new LinkedGuards(TestRedis.start(dir));
        for (int i = 1; i <= 3; i++) {
            Guard guard = new Guard(policy);
            nodes.guards.add(guard);
            nodes.links.add(ClusterNode.start(guard, nodes.redis.uri(), "n" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> nodes.links.stream().allMatch(ClusterNode::up));
        return nodes;
    }

    @Override
    public void close() throws Exception {
        links.forEach(ClusterNode::close);
        redis.close();
    }
}
