package io.clipstream.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.local.ops.OpsFeed;
import io.clipstream.local.producer.DemoPair;
import io.clipstream.local.producer.GatewayClient;
import io.clipstream.local.producer.PushPairs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Streams domains one after another through the gateway and follows each through the loop: its pairs curated or
 * rejected, the run that takes them ({@link RunStart}: by count, by hand once they all wait, or a later stage's), the
 * gate's decision, and for a promoted version the re-index and swap; then asks the live index one text query.
 */
final class DomainLoop {
    /** One domain's pairs, pushed together. */
    /**
     * One domain's pairs, and how its run starts: {@link RunStart#COUNT} by the trainer's count trigger (by hand when
     * rejects kept the count from being reached), {@link RunStart#NONE} not at all (its pairs wait for a later stage's
     * run), {@link RunStart#ALL_WAITING} asked for by hand once every pair curated since the last run waits at the
     * trainer, so that one run takes exactly the pairs of the stages since the last one.
     */
    record Stage(String domain, List<DemoPair> pairs, RunStart start) {
        Stage(String domain, List<DemoPair> pairs) {
            this(domain, pairs, RunStart.COUNT);
        }
    }

    enum RunStart {
        COUNT,
        NONE,
        ALL_WAITING
    }

    /** A text query's answer: the version that answered, each hit's domain and the class its caption names. */
    /**
     * @param classPrecision class-judged P@10 of the class prompts ({@link #CLASS_PROMPT}), by the class each hit's
     * image
     *                       shows: per domain seen so far (searched within it) and over the whole index ({@link #ALL})
     */
    record QueryView(int version, List<String> hits, double precision, Map<String, Double> classPrecision) {}

    /** The prompt of each class whose answers {@link QueryView#classPrecision} judges. */
    static final String CLASS_PROMPT = "a picture of a %s.";
    /** The key of the whole index in {@link QueryView#classPrecision}. */
    static final String ALL = "all";

    /**
     * What became of one stage: its outcomes, its run's last event (null when no run ended), whether the demo had to
     * start the run by hand, the swap of a promoted version (null otherwise), the query's answer before the run ended
     * and afterwards, and how long after the domain's last pair had its outcome the run ended and its version served
     * (null when it did not).
     */
    record StageResult(
            String domain,
            int pushed,
            int curated,
            int rejected,
            TrainingRun run,
            boolean byHand,
            IndexEvent swap,
            QueryView before,
            QueryView query,
            Double secondsToVersion,
            Double secondsToServing) {}

    /** Patience for each step of a stage. */
    record Timeouts(Duration outcomes, Duration trigger, Duration run, Duration reindex) {}

    private final GatewayClient gateway;
    private final OutcomeCounter outcomes;
    private final OpsFeed ops;
    private final TrainerClient trainer;
    private final RefreshClient search;
    private final Timeouts timeouts;
    private final String query;
    private final java.util.function.Function<String, String> classOfPair;
    private int pushedSoFar;
    private final List<String> domainsSoFar = new ArrayList<>();
    private final List<String> classes;

    /**
     * @param classOfPair the class a pair's image shows, by pair id (null when unknown: then its caption's class
     * counts)
     */
    DomainLoop(
            GatewayClient gateway,
            OutcomeCounter outcomes,
            OpsFeed ops,
            TrainerClient trainer,
            RefreshClient search,
            Timeouts timeouts,
            String query,
            java.util.function.Function<String, String> classOfPair,
            List<String> classes) {
        this.classes = List.copyOf(classes);
        this.gateway = gateway;
        this.outcomes = outcomes;
        this.ops = ops;
        this.trainer = trainer;
        this.search = search;
        this.timeouts = timeouts;
        this.query = query;
        this.classOfPair = classOfPair;
    }

    /** Counts pairs that entered pairs.raw outside the stages, so that a stage waits for the outcomes of its own. */
    void countPushedElsewhere(int pairs) {
        pushedSoFar += pairs;
    }

    /** The query's answer now, from the live index: each hit as "domain:class of its image". */
    QueryView ask() throws Exception {
        JsonNode a = search.search(query, 10);
        List<String> hits = new ArrayList<>();
        for (JsonNode r : a.path("results")) {
            String shown = classOfPair.apply(r.path("pairId").asText());
            hits.add(
                    shown != null
                            ? r.path("domain").asText() + ":" + shown
                            : LoopTable.hitLabel(
                                    r.path("domain").asText(), r.path("caption").asText()));
        }
        return new QueryView(a.path("version").asInt(), hits, LoopTable.precision(query, hits), classPrecision());
    }

    /**
     * Mean over the classes of the share of a class prompt's top 10 whose image shows the class: per domain, and
     * overall.
     */
    private Map<String, Double> classPrecision() throws Exception {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        List<String> scopes = new ArrayList<>(domainsSoFar);
        scopes.add(null);
        for (String domain : scopes) {
            double sum = 0;
            for (String c : classes) {
                int right = 0;
                for (JsonNode r : search.search(String.format(CLASS_PROMPT, c), 10, domain)
                        .path("results")) {
                    if (c.equals(classOfPair.apply(r.path("pairId").asText()))) {
                        right++;
                    }
                }
                sum += right / 10.0;
            }
            out.put(domain == null ? ALL : domain, sum / classes.size());
        }
        return out;
    }

    /** Pairs curated since the last run a stage started (or waited for). */
    private int curatedSinceLastRun;

    StageResult run(Stage stage) throws Exception {
        System.out.printf(
                "%n== domain %s: %,d pairs through the gateway%n",
                stage.domain(), stage.pairs().size());
        if (!domainsSoFar.contains(stage.domain())) {
            domainsSoFar.add(stage.domain());
        }
        int endedBefore = ops.endedRuns().size();
        int curatedBefore = outcomes.curated();
        int rejectedBefore = outcomes.rejected() + outcomes.deadLettered();
        pushedSoFar += PushPairs.push(gateway, stage.pairs(), PushPairs.DEFAULT_BATCH);
        boolean complete = outcomes.awaitUntil(o -> o.outcomes() >= pushedSoFar, timeouts.outcomes(), this::pollOps);
        int curated = outcomes.curated() - curatedBefore;
        int rejected = outcomes.rejected() + outcomes.deadLettered() - rejectedBefore;
        long lastOutcome = System.nanoTime();
        System.out.printf(
                "   %s: %,d curated, %,d rejected%s%n",
                stage.domain(), curated, rejected, complete ? "" : " (TIMEOUT waiting for outcomes)");
        search.awaitLivePairs(outcomes.curated(), Duration.ofSeconds(30));
        QueryView before = ask(); // the champion's answer over the corpus with this domain in it, before its run ends
        curatedSinceLastRun += curated;
        if (stage.start() == RunStart.NONE) {
            System.out.printf("   %s: no run yet, its pairs wait for the next stage's%n", stage.domain());
            return new StageResult(
                    stage.domain(),
                    stage.pairs().size(),
                    curated,
                    rejected,
                    null,
                    false,
                    null,
                    before,
                    before,
                    null,
                    null);
        }
        int waitFor = curatedSinceLastRun;
        curatedSinceLastRun = 0;

        boolean started = false;
        boolean byHand = false;
        if (stage.start() == RunStart.ALL_WAITING) {
            boolean allWait = awaitWaiting(waitFor);
            System.out.printf(
                    "   %s: %s pairs wait at the trainer: starting a run by hand%n",
                    stage.domain(), allWait ? "all " + String.format("%,d", waitFor) : "not all of the");
            byHand = trainer.startRun();
        } else {
            started = ops.awaitUntil(f -> f.endedRuns().size() > endedBefore || f.runInFlight(), timeouts.trigger());
        }
        if (!started && stage.start() == RunStart.COUNT) {
            System.out.println(
                    "   no run started by count within " + timeouts.trigger().toSeconds() + " s (rejects kept the count"
                            + " below the trigger): starting one by hand");
            byHand = trainer.startRun();
        }
        TrainingRun end = null;
        IndexEvent swap = null;
        Double toVersion = null;
        Double toServing = null;
        if (started || byHand) {
            if (ops.awaitUntil(f -> f.endedRuns().size() > endedBefore, timeouts.run())) {
                end = ops.endedRuns().get(endedBefore);
                if (end.state() == TrainingRun.State.PROMOTED) {
                    toVersion = (System.nanoTime() - lastOutcome) / 1e9;
                    int v = end.version();
                    if (ops.awaitUntil(f -> f.swapped(v).isPresent(), timeouts.reindex())) {
                        swap = ops.swapped(v).orElseThrow();
                        toServing = (System.nanoTime() - lastOutcome) / 1e9;
                    } else {
                        System.out.println("   TIMEOUT: the index of v" + v + " did not swap in within "
                                + timeouts.reindex().toSeconds() + " s");
                    }
                }
            } else {
                System.out.println("   TIMEOUT: the run did not end within "
                        + timeouts.run().toSeconds() + " s");
            }
        }
        search.awaitLivePairs(outcomes.curated(), Duration.ofSeconds(30));
        QueryView q = ask();
        System.out.printf("   \"%s\" now answered by v%d: %s%n", query, q.version(), String.join(", ", q.hits()));
        return new StageResult(
                stage.domain(),
                stage.pairs().size(),
                curated,
                rejected,
                end,
                byHand,
                swap,
                before,
                q,
                toVersion,
                toServing);
    }

    /** Until the trainer's feed holds at least {@code pairs} waiting pairs (all domains together). */
    private boolean awaitWaiting(int pairs) throws Exception {
        long deadline = System.nanoTime() + timeouts.trigger().toNanos();
        while (System.nanoTime() < deadline) {
            int waiting = 0;
            for (int n : trainer.waiting().values()) {
                waiting += n;
            }
            if (waiting >= pairs) {
                return true;
            }
            pollOps();
            Thread.sleep(200);
        }
        return false;
    }

    private void pollOps() {
        ops.poll(Duration.ZERO);
    }
}
