package io.clipstream.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipstream.datasets.GreyImages;
import io.clipstream.local.bench.Percentiles;
import io.clipstream.local.producer.DemoPair;
import io.clipstream.local.producer.GatewayClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Freshness as a user sees it, at a steady trickle (a burst measures the backlog, not the path): one pair at a time
 * through the gateway, each with an image of its own, then the same image as a query until the pair comes back at
 * rank 1; the time from the gateway's 202 to that answer.
 */
final class FreshnessProbe {
    private FreshnessProbe() {}

    /**
     * Probe latencies in seconds, ascending (a probe not found within the patience counts as that long), and how many
     * were not found.
     */
    public record Result(double[] seconds, int missed) {
        public String describe() {
            Percentiles p = new Percentiles(seconds);
            return String.format(
                    "%d probes, p50 %.2f s, p99 %.2f s, max %.2f s%s",
                    p.count(), p.at(50), p.at(99), p.max(), missed == 0 ? "" : ", " + missed + " NOT FOUND");
        }
    }

    static Result run(GatewayClient gateway, RefreshClient search, int probes, Duration every, Duration patience)
            throws Exception {
        Random rnd = new Random(42);
        List<Double> out = new ArrayList<>();
        int missed = 0;
        for (int i = 0; i < probes; i++) {
            long start = System.nanoTime();
            byte[] grey = new byte[28 * 28];
            rnd.nextBytes(grey);
            byte[] png = GreyImages.toPng(grey, 28, 28);
            String id = "freshness-probe-" + i + "-" + Long.toHexString(rnd.nextLong());
            gateway.pushBatch(List.of(new DemoPair(id, "probe", "a freshness probe number " + i, png)));
            long accepted = System.nanoTime();
            long deadline = accepted + patience.toNanos();
            boolean found = false;
            while (!found && System.nanoTime() < deadline) {
                JsonNode r = search.searchImage(png, 1);
                found = id.equals(r.at("/results/0/pairId").asText());
                if (!found) {
                    Thread.sleep(10);
                }
            }
            if (!found) {
                missed++;
            }
            out.add(Math.min(System.nanoTime() - accepted, patience.toNanos()) / 1e9);
            long next = start + every.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return new Result(out.stream().mapToDouble(Double::doubleValue).sorted().toArray(), missed);
    }
}
