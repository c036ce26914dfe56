package io.clipstream.continual.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DomainRouterTest {
    /** Unit vectors around a domain's direction, each also pulled toward one of a few "classes" that all domains share. */
    private static float[][] domain(int axis, int n, long seed) {
        Random rnd = new Random(seed);
        float[][] out = new float[n][16];
        for (int i = 0; i < n; i++) {
            float[] v = out[i];
            for (int j = 0; j < v.length; j++) v[j] = (float) (0.3 * rnd.nextGaussian());
            v[8 + rnd.nextInt(8)] += 1.5f; // the class: the same directions in every domain
            v[axis] += 1.0f;                // the domain: a smaller shift than the class
            double norm = 0;
            for (float x : v) norm += x * x;
            for (int j = 0; j < v.length; j++) v[j] /= (float) Math.sqrt(norm);
        }
        return out;
    }

    private static double routedTo(DomainRouter r, float[][] held, String domain) {
        int hits = 0;
        for (float[] v : held) if (r.route(v).equals(domain)) hits++;
        return hits / (double) held.length;
    }

    private static Map<String, float[][]> examples(String... domains) {
        Map<String, float[][]> m = new LinkedHashMap<>();
        for (int i = 0; i < domains.length; i++) m.put(domains[i], domain(i, 400, i + 1));
        return m;
    }

    @Test
    void learnsEachDomainFromItsExamplesAndRoutesHeldOutImagesOfIt() {
        DomainRouter r = DomainRouter.fit(examples("a", "b", "c"));
        assertThat(r.domains()).containsExactly("a", "b", "c");
        assertThat(routedTo(r, domain(0, 300, 11), "a")).isGreaterThan(0.9);
        assertThat(routedTo(r, domain(1, 300, 12), "b")).isGreaterThan(0.9);
        assertThat(routedTo(r, domain(2, 300, 13), "c")).isGreaterThan(0.9);
    }

    @Test
    void aOneDomainRouterSendsEverythingThere() {
        DomainRouter one = DomainRouter.fit(examples("a"));
        assertThat(one.domains()).containsExactly("a");
        assertThat(routedTo(one, domain(1, 100, 12), "a")).isEqualTo(1.0);
        assertThat(DomainRouter.fit(examples("a", "b")).describe()).containsKeys("domains", "mean", "scale", "w1", "b1", "w2", "b2");
    }

    @Test
    void refusesNoDomainsADomainWithoutExamplesAndFeaturesOfAnotherLength() {
        assertThatThrownBy(() -> DomainRouter.fit(Map.of())).hasMessageContaining("at least one domain");
        assertThatThrownBy(() -> DomainRouter.fit(Map.of("a", new float[0][]))).hasMessageContaining("no examples of domain a");
        Map<String, float[][]> mixed = examples("a");
        mixed.put("b", new float[][] {new float[3]});
        assertThatThrownBy(() -> DomainRouter.fit(mixed)).hasMessageContaining("have 3 features");
        assertThatThrownBy(() -> DomainRouter.fit(examples("a")).route(new float[3])).hasMessageContaining("fitted on 16");
    }
}
