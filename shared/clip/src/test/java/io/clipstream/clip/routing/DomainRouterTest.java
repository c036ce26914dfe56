package io.clipstream.clip.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DomainRouterTest {
    /**
     * Unit vectors around a domain's direction, each also pulled toward one of a few "classes" that all domains share.
     */
    private static float[][] domain(int axis, int n, long seed) {
        return domain(axis, n, seed, 1.0f);
    }

    private static float[][] domain(int axis, int n, long seed, float shift) {
        Random rnd = new Random(seed);
        float[][] out = new float[n][16];
        for (int i = 0; i < n; i++) {
            float[] v = out[i];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (0.3 * rnd.nextGaussian());
            }
            v[8 + rnd.nextInt(8)] += 1.5f; // the class: the same directions in every domain
            v[axis] += shift; // the domain: a smaller shift than the class
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            for (int j = 0; j < v.length; j++) {
                v[j] /= (float) Math.sqrt(norm);
            }
        }
        return out;
    }

    private static double routedTo(DomainRouter r, float[][] held, String domain) {
        int hits = 0;
        for (float[] v : held) {
            if (r.route(v).equals(domain)) {
                hits++;
            }
        }
        return hits / (double) held.length;
    }

    private static Map<String, float[][]> examples(String... domains) {
        Map<String, float[][]> m = new LinkedHashMap<>();
        for (int i = 0; i < domains.length; i++) {
            m.put(domains[i], domain(i, 400, i + 1));
        }
        return m;
    }

    @Test
    void learnsEachDomainFromItsExamplesAndRoutesHeldOutImagesOfIt() {
        DomainRouter r = DomainRouter.fit(examples("a", "b", "c"));
        assertThat(r.domains()).containsExactly("a", "b", "c");
        assertThat(routedTo(r, domain(0, 300, 11), "a")).isGreaterThan(0.9);
        assertThat(routedTo(r, domain(1, 300, 12), "b")).isGreaterThan(0.9);
        assertThat(routedTo(r, domain(2, 300, 13), "c")).isGreaterThan(0.9);
        for (float[] v : domain(1, 50, 14)) {
            double[] p = r.probabilities(v);
            assertThat(p).hasSize(3);
            assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
            int best = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;
            // a domain with more than half of the probability wins at every stage of the cascade
            if (p[best] > 0.5) {
                assertThat(r.route(v)).isEqualTo(r.domains().get(best));
            }
        }
    }

    @Test
    void aPriorTowardEarlierDomainsKeepsTheirImagesAtTheNewDomainsExpense() {
        // overlapping domains: the plain router sends a good share of the earlier domains' images to the new one
        Map<String, float[][]> m = new LinkedHashMap<>();
        m.put("a", domain(0, 600, 1, 0.25f));
        m.put("b", domain(1, 600, 2, 0.25f));
        m.put("new", domain(2, 600, 3, 0.25f));
        float[][] heldA = domain(0, 1000, 21, 0.25f);
        float[][] heldNew = domain(2, 1000, 23, 0.25f);
        DomainRouter plain = DomainRouter.fit(m);
        DomainRouter prior = DomainRouter.fit(m, 0.01);
        assertThat(plain.priorShifts()).containsValues(0.0, 0.0, 0.0);
        assertThat(prior.priorShifts().get("a")).isZero();
        assertThat(prior.priorShifts().get("new")).isPositive();
        double takenPlain = routedTo(plain, heldA, "new");
        double takenPrior = routedTo(prior, heldA, "new");
        assertThat(takenPlain).isGreaterThan(0.05);
        assertThat(takenPrior).isLessThan(0.04).isLessThan(takenPlain / 2);
        assertThat(routedTo(prior, heldNew, "new")).isLessThan(routedTo(plain, heldNew, "new"));
        assertThat(DomainRouter.fit(m, 1).priorShifts()).containsValues(0.0, 0.0, 0.0);
    }

    @Test
    void aOneDomainRouterSendsEverythingThere() {
        DomainRouter one = DomainRouter.fit(examples("a"));
        assertThat(one.domains()).containsExactly("a");
        assertThat(routedTo(one, domain(1, 100, 12), "a")).isEqualTo(1.0);
        Map<String, Object> two = DomainRouter.fit(examples("a", "b")).describe();
        assertThat(two).containsKeys("model", "domains", "stages");
        assertThat((java.util.List<?>) two.get("stages"))
                .hasSize(2)
                .last()
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKeys("domains", "features", "prior_shift", "mean", "scale", "w1", "b1", "w2", "b2");
    }

    @Test
    void aNewStageOnlyTakesImagesAndNeverMovesThemBetweenEarlierDomains() {
        // overlapping domains, so that the earlier stage is unsure of many images
        Map<String, float[][]> m = new LinkedHashMap<>();
        m.put("a", domain(0, 600, 1, 0.4f));
        m.put("b", domain(1, 600, 2, 0.4f));
        DomainRouter two = DomainRouter.fit(m, 0.01);
        m.put("c", domain(2, 600, 3, 0.4f));
        DomainRouter three = two.extend(m, 0.01);
        assertThat(three.domains()).containsExactly("a", "b", "c");
        assertThat(three.priorShifts()).containsEntry("b", two.priorShifts().get("b"));
        int taken = 0, total = 0;
        for (float[][] held : java.util.List.of(domain(0, 500, 31, 0.4f), domain(1, 500, 32, 0.4f))) {
            for (float[] v : held) {
                total++;
                String now = three.route(v);
                if (now.equals("c")) {
                    taken++;
                } else {
                    assertThat(now)
                            .as("an image the new stage leaves is routed as before")
                            .isEqualTo(two.route(v));
                }
            }
        }
        assertThat(taken / (double) total)
                .as("the new stage takes few of the earlier domains' images")
                .isLessThan(0.04);
        assertThat(routedTo(three, domain(2, 500, 33, 0.4f), "c"))
                .as("yet it learns its own")
                .isGreaterThan(5 * taken / (double) total);
        double[] p = three.probabilities(domain(2, 1, 34, 0.4f)[0]);
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aRouterReadBackFromItsJsonRoutesExactlyAsTheOneThatWroteItAndCanBeExtended() throws Exception {
        Map<String, float[][]> m = new LinkedHashMap<>();
        m.put("a", domain(0, 400, 1, 0.6f));
        m.put("b", domain(1, 400, 2, 0.6f));
        m.put("c", domain(2, 400, 3, 0.6f));
        DomainRouter fitted = DomainRouter.fit(m, 0.01);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        @SuppressWarnings("unchecked")
        Map<String, Object> back = json.readValue(json.writeValueAsBytes(fitted.describe()), Map.class);
        DomainRouter restored = DomainRouter.restore(back);

        assertThat(restored.domains()).containsExactly("a", "b", "c");
        assertThat(restored.priorShifts()).isEqualTo(fitted.priorShifts());
        for (float[][] held :
                java.util.List.of(domain(0, 200, 41, 0.6f), domain(1, 200, 42, 0.6f), domain(2, 200, 43, 0.6f))) {
            for (float[] v : held) {
                assertThat(restored.route(v)).isEqualTo(fitted.route(v));
                assertThat(restored.probabilities(v))
                        .containsExactly(fitted.probabilities(v), org.assertj.core.data.Offset.offset(1e-12));
            }
        }
        assertThat(json.writeValueAsString(restored.describe())).isEqualTo(json.writeValueAsString(fitted.describe()));

        m.put("d", domain(3, 400, 4, 0.6f));
        DomainRouter extended = restored.extend(m, 0.01);
        assertThat(extended.domains()).containsExactly("a", "b", "c", "d");
        assertThat(extended.priorShifts()).containsAllEntriesOf(fitted.priorShifts());
    }

    @Test
    void aDescriptionThatIsNotOfSuchARouterIsRefused() throws Exception {
        Map<String, Object> d =
                new LinkedHashMap<>(DomainRouter.fit(examples("a", "b")).describe());
        d.put("domains", java.util.List.of("a", "x"));
        assertThatThrownBy(() -> DomainRouter.restore(d)).hasMessageContaining("the description names");
        assertThatThrownBy(() -> DomainRouter.restore(Map.of("stages", java.util.List.of())))
                .hasMessageContaining("stages");
        Map<String, Object> cut =
                new LinkedHashMap<>(DomainRouter.fit(examples("a", "b")).describe());
        @SuppressWarnings("unchecked")
        java.util.List<Map<String, Object>> stages =
                new java.util.ArrayList<>((java.util.List<Map<String, Object>>) cut.get("stages"));
        Map<String, Object> second = new LinkedHashMap<>(stages.get(1));
        second.put("b1", new double[3]);
        stages.set(1, second);
        cut.put("stages", stages);
        assertThatThrownBy(() -> DomainRouter.restore(cut)).hasMessageContaining("are not of a 64-unit network");
    }

    @Test
    void extendsOnlyWithItsOwnDomainsFirstAndSomethingNew() {
        DomainRouter two = DomainRouter.fit(examples("a", "b"));
        assertThatThrownBy(() -> two.extend(examples("b", "a", "c"), 0.01))
                .hasMessageContaining("extended by examples of those domains first");
        assertThatThrownBy(() -> two.extend(examples("a", "b"), 0.01)).hasMessageContaining("then new ones");
    }

    @Test
    void refusesNoDomainsADomainWithoutExamplesAndFeaturesOfAnotherLength() {
        assertThatThrownBy(() -> DomainRouter.fit(Map.of())).hasMessageContaining("at least one domain");
        assertThatThrownBy(() -> DomainRouter.fit(Map.of("a", new float[0][])))
                .hasMessageContaining("no examples of domain a");
        Map<String, float[][]> mixed = examples("a");
        mixed.put("b", new float[][] {new float[3]});
        assertThatThrownBy(() -> DomainRouter.fit(mixed)).hasMessageContaining("have 3 features");
        assertThatThrownBy(() -> DomainRouter.fit(examples("a")).route(new float[3]))
                .hasMessageContaining("fitted on 16");
    }
}
