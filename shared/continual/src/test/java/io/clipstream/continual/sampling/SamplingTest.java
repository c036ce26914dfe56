package io.clipstream.continual.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplingTest {
    static List<String> items(String p, int n) {
        return IntStream.range(0, n).mapToObj(i -> p + i).toList();
    }

    @Test
    void balancedSamplerGivesEqualSharesWhateverTheSourceSizes() {
        Map<String, List<String>> src = new LinkedHashMap<>();
        src.put("a", items("a", 1000));
        src.put("b", items("b", 7));
        src.put("c", items("c", 50));
        DomainBalancedSampler<String, String> s = new DomainBalancedSampler<>(src, new Random(1));
        Map<Character, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            for (String x : s.nextBatch(10)) {
                counts.merge(x.charAt(0), 1, Integer::sum);
            }
        }
        assertThat(counts.get('a')).isBetween(330, 337);
        assertThat(counts.get('b')).isBetween(330, 337);
        assertThat(counts.get('c')).isBetween(330, 337);
    }

    @Test
    void balancedSamplerCoversASourceBeforeRepeating() {
        Map<String, List<String>> src = Map.of("a", items("a", 20));
        DomainBalancedSampler<String, String> s = new DomainBalancedSampler<>(src, new Random(2));
        assertThat(s.nextBatch(20)).containsExactlyInAnyOrderElementsOf(items("a", 20));
    }

    @Test
    void reservoirKeepsCapacityPerDomainAndIsUniform() {
        int[] hist = new int[100];
        Random rnd = new Random(42);
        for (int trial = 0; trial < 2000; trial++) {
            ReplayBuffer<String, Integer> buf = new ReplayBuffer<>(10, rnd);
            for (int i = 0; i < 100; i++) {
                buf.offer("x", i);
            }
            buf.offer("y", -1);
            assertThat(buf.contents().get("x")).hasSize(10);
            assertThat(buf.contents().get("y")).containsExactly(-1);
            assertThat(buf.seen("x")).isEqualTo(100);
            for (int v : buf.contents().get("x")) {
                hist[v]++;
            }
        }
        // each of 100 items kept with p = 0.1 -> expected 200 of 2000 trials
        for (int h : hist) {
            assertThat(h).isBetween(140, 260);
        }
    }

    @Test
    void mixerPutsReplayShareInEveryBatchBalancedOverOldDomains() {
        ReplayBuffer<String, String> buf = new ReplayBuffer<>(50, new Random(1));
        buf.offerAll("d0", items("d0-", 200));
        buf.offerAll("d1", items("d1-", 10));
        ReplayMixer<String, String> mix = new ReplayMixer<>(Map.of("d2", items("d2-", 300)), buf, 0.5, new Random(4));
        assertThat(mix.replayCount(32)).isEqualTo(16);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<String> b = mix.nextBatch(32);
            assertThat(b).hasSize(32);
            assertThat(b.stream().filter(x -> x.startsWith("d2")).count()).isEqualTo(16);
            all.addAll(b);
        }
        assertThat(all.stream().filter(x -> x.startsWith("d0")).count()).isEqualTo(80);
        assertThat(all.stream().filter(x -> x.startsWith("d1")).count()).isEqualTo(80);
        ReplayMixer<String, String> none = new ReplayMixer<>(Map.of("d2", items("d2-", 300)), null, 0.5, new Random(4));
        assertThat(none.nextBatch(8)).allMatch(x -> x.startsWith("d2"));
    }
}
