import io.netty.channel.*;
import io.netty.channel.epoll.*;
import java.util.*;
import java.util.concurrent.*;

/** Round trip event loop -> fixed thread pool -> event loop, as a message's commit makes it, idle in between. */
public class HopBench {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        long pauseMicros = Long.parseLong(a[1]); // gap between round trips, as between messages
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoop loop = group.next();
        ExecutorService disk = Executors.newFixedThreadPool(16);
        long[] rt = new long[n];
        for (int i = 0; i < n; i++) {
            CompletableFuture<Long> done = new CompletableFuture<>();
            loop.execute(() -> {
                long t0 = System.nanoTime();
                CompletableFuture.runAsync(() -> {}, disk).whenComplete((v, e) -> loop.execute(() -> done.complete(System.nanoTime() - t0)));
            });
            rt[i] = done.get();
            if (pauseMicros > 0) Thread.sleep(pauseMicros / 1000, (int) (pauseMicros % 1000) * 1000);
        }
        long[] s = Arrays.copyOfRange(rt, n / 10, n); // first tenth: warm-up
        Arrays.sort(s);
        System.out.printf("round trip loop->pool->loop: n=%d p50 %.1f us mean %.1f us p90 %.1f us p99 %.1f us%n", s.length,
                s[s.length / 2] / 1e3, Arrays.stream(s).average().orElse(0) / 1e3, s[s.length * 9 / 10] / 1e3, s[s.length * 99 / 100] / 1e3);
        disk.shutdown(); group.shutdownGracefully();
    }
}
