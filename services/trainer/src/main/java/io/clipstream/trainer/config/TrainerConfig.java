package io.clipstream.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code clipstream.trainer.*}: what the trainer trains, when, and how (defaults documented in application.properties).
 */
@ConfigMapping(prefix = "clipstream.trainer")
public interface TrainerConfig {
    /** The model this trainer keeps fresh: its objects live under {@code models/<model>/}. */
    @WithDefault("tiny")
    String model();

    /** The base domain: what the base checkpoint knows; its anchors are the general set that guards it. */
    @WithDefault("base")
    String baseDomain();

    /** Share of every domain's curated pairs (by content hash) held out as that domain's anchors, never trained on. */
    @WithDefault("0.1")
    double anchorShare();

    Trigger trigger();

    Feed feed();

    Lock lock();

    Replay replay();

    Train train();

    Gate gate();

    /**
     * Several domains served by one expert: {@code clipstream.trainer.expert-of.<domain>=<expert>}. A pair of a mapped
     * domain trains, is gated and quarantined as a pair of the expert's name (classes, anchors and reports are keyed by
     * it); unmapped domains are their own expert.
     */
    Map<String, String> expertOf();

    /** Class names a domain declares ({@code clipstream.trainer.classes.<domain>=a,b,c}): zero-shot accuracy on it. */
    Map<String, List<String>> classes();

    /** Local cache of materialised pairs, base checkpoints and staged versions. */
    Path workDir();

    /**
     * Decoded images kept in memory between runs (MiB): anchors and replay samples come back every run and are not
     * decoded again while they fit; least recently used first out. 0 = none.
     */
    @WithDefault("256")
    int decodedCacheMb();

    /**
     * Between trigger checks, embed the waiting anchors with the champion, so that a run's baseline is nearly done
     * when it starts. Costs a second copy of the model in memory (on the training device) while the trainer waits.
     */
    @WithDefault("true")
    boolean embedAhead();

    /**
     * Fetch and decode the images of curated pairs as the feed reads them, on a thread of their own, instead of only
     * between trigger checks: the run that a burst triggers finds its images local.
     */
    @WithDefault("true")
    boolean fetchOnArrival();

    /** How often a running training reports PROGRESS. */
    @WithDefault("4s")
    Duration progressEvery();

    /** Bearer token of {@code POST /v1/models/{model}/runs} and rollbacks; without one those endpoints refuse. */
    Optional<String> operatorToken();

    /**
     * {@code service}: runs when a trigger fires, for as long as the process lives. {@code once} (a Kubernetes Job or
     * CronJob): recovers as at start, reads pairs.curated up to its end, runs once on what waits (trigger MANUAL) if
     * at least {@code trigger.min-pairs} wait, and exits: 0 when the run was promoted or rejected or nothing waited,
     * 1 when it failed.
     */
    @WithDefault("service")
    String mode();

    interface Trigger {
        /** A run starts when this many pairs wait (all domains together). */
        @WithDefault("200")
        int count();

        /** A run also starts when this long passed since the last run and at least {@code trigger.min-pairs} wait. */
        @WithDefault("10m")
        Duration interval();

        /** Fewest waiting pairs for which the interval trigger starts a run (and a run-once Job runs). */
        @WithDefault("20")
        int minPairs();

        /** How often the triggers are checked. */
        @WithDefault("2s")
        Duration checkEvery();

        /** A failed run is retried this many times (attempts in all), then waits for the next trigger. */
        @WithDefault("3")
        int maxAttempts();

        /** Wait before a failed run is retried. */
        @WithDefault("10s")
        Duration retryBackoff();

        /** The liveness reports DOWN once this many trigger checks in a row have failed (each is retried). */
        @WithDefault("20")
        int maxFailedChecks();
    }

    interface Lock {
        /**
         * The run lock's lease: renewed every third of it while a run lives; a lease not renewed for this long
         * belongs to a run that died with its trainer, and the next trainer takes it over.
         */
        @WithDefault("60s")
        Duration ttl();
    }

    interface Feed {
        /** After the feed fails it reads on with a new consumer after this long, doubled per failure in a row. */
        @WithDefault("1s")
        Duration restartBackoff();

        /** The longest wait between the feed's restarts. */
        @WithDefault("30s")
        Duration maxRestartBackoff();

        /** The liveness reports DOWN when the feed has not read for this long since it failed. */
        @WithDefault("5m")
        Duration maxDown();
    }

    interface Replay {
        /** Reservoir size per domain, kept in object storage under models/<model>/replay/. */
        @WithDefault("1000")
        int capacityPerDomain();

        /** Replay pairs materialised per earlier domain and run (a sample of its reservoir). */
        @WithDefault("200")
        int perDomainPerRun();
    }

    interface Train {
        /**
         * naive (LoRA on the new pairs only), guarded (replay, distillation, L2 pull, gate, WiSE-FT), or guarded with
         * guards switched off ({@code guarded-no-distill}, ...; the engine's {@code Strategy.named}).
         */
        @WithDefault("guarded")
        String strategy();

        /** Passes over a run's training pairs. */
        @WithDefault("3")
        int epochs();

        /** Hard cap on optimizer steps per run; 0 = none. */
        @WithDefault("0")
        int maxSteps();

        /** Pairs per optimizer step (the contrastive loss compares each with the others of its batch). */
        @WithDefault("32")
        int batchSize();

        /** AdamW learning rate of the LoRA weights. */
        @WithDefault("0.001")
        float lr();

        /** Seed of initialisation, shuffling and augmentation: the same pairs and seed train the same weights. */
        @WithDefault("42")
        long seed();

        /**
         * Images are scaled down at materialisation so that their short side is at most this (0 = the model's size).
         */
        @WithDefault("0")
        int maxImageSide();

        /** auto (GPU when DJL sees one), cpu, or gpu (asks for one and says so loudly when it gets the CPU). */
        @WithDefault("auto")
        String device();

        /**
         * fp32, fp16-mixed (fp16 forward and backward over fp16 copies of the weights, fp32 master weights and
         * optimizer, dynamic loss scaling), or auto: fp16-mixed on a GPU, fp32 on the CPU.
         */
        @WithDefault("auto")
        String precision();
    }

    interface Gate {
        /** An earlier domain or the base domain may drop by at most this many points on a gated metric. */
        @WithDefault("5.0")
        double maxDropPoints();

        /** A domain with new data may be at most this much worse than the champion on it. */
        @WithDefault("2.0")
        double newDomainTolerancePoints();

        /** Value threshold on each new domain (fraction); 0 = none. */
        @WithDefault("0")
        double minNewDomainValue();

        /**
         * An earlier domain or the base domain may also lose at most this share of a gated metric's value (0.25 = a
         * quarter; 0 = no relative bound).
         */
        @WithDefault("0.25")
        double maxRelativeDrop();

        /** Each domain with new data must gain at least this many points on one gated metric (0 = not required). */
        @WithDefault("1.0")
        double minNewDomainGainPoints();

        /**
         * The required gain is also at least this many standard errors of the difference of two proportions on the
         * domain's anchors (0 = off): a gain within the noise of the anchor set is not taken for learning.
         */
        @WithDefault("0")
        double minGainStandardErrors();

        /**
         * McNemar's test on the zero-shot hits of the same anchors (champion vs candidate; 0 = off, 1.64 = one-sided
         * 5 %): a new domain's zero-shot gain counts only if significant, and a guarded domain's drop beyond
         * max-drop-points rejects only if significant. Replaces the standard-error bound on zero-shot accuracy.
         */
        @WithDefault("0")
        double pairedZ();

        /** Gated metrics (engine names: r1_mean, i2t_r1, t2i_r1, i2t_r5, t2i_r5, zero_shot). */
        @WithDefault("r1_mean,zero_shot")
        List<String> metrics();
    }
}
