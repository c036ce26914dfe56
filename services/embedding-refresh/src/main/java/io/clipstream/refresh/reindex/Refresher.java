package io.clipstream.refresh.reindex;

import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.refresh.embed.EmbeddingCache;
import io.clipstream.refresh.embed.VersionEncoder;
import io.clipstream.refresh.feed.IndexFeeder;
import io.clipstream.refresh.index.IndexBackend;
import io.clipstream.refresh.index.VectorIndex;
import io.clipstream.refresh.metrics.RefreshMetrics;
import io.clipstream.refresh.serve.Generation;
import io.clipstream.refresh.serve.LiveIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps the live index embedded with the champion. On start it serves the index it served before (no re-embedding)
 * and resumes an interrupted build; on every new champion (a promotion or a rollback) it builds a new index beside
 * the live one from the start of the catalogue, while both feeders take new pairs, and once the new one has caught
 * up it swaps it in atomically; the old one is closed and dropped after a grace period. A build that fails leaves
 * the live index serving and is retried. Every change of state runs on one thread, so none needs a lock.
 */
public final class Refresher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Refresher.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    /** Settings of the loop. */
    public record Settings(
            String model,
            Duration gracePeriod,
            Duration progressEvery,
            Duration retryBackoff,
            Duration championTimeout) {}

    /** Starts a feeder into a generation; {@code live} says whether it serves (freshness is measured there). */
    @FunctionalInterface
    public interface FeederFactory {
        IndexFeeder create(Generation g, IndexFeeder.Listener listener);
    }

    private final Settings settings;
    private final IndexBackend backend;
    private final ModelFiles files;
    private final EmbeddingCache cache;
    private final StateFile stateFile;
    private final LiveIndex live;
    private final IndexEvents events;
    private final RefreshMetrics metrics;
    private final Clock clock;
    private final ChampionWatch watch;
    private final FeederFactory feeders;
    private final IndexFeeder.Listener listener;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "refresh-loop");
        t.setDaemon(true);
        return t;
    });

    private StateFile.State state = StateFile.State.EMPTY;
    private IndexFeeder liveFeeder;
    /**
     * The live index's pair count, asked again only when its feeder has indexed more (with Solr it is an HTTP query).
     */
    private Generation countedGeneration;

    private long countedAtIndexed = -1;
    private Long countedPairs;
    private Build build;
    private int champion;
    /** The champion's adapter hash as announced: what its files must hash to before it serves. */
    private String championSha;

    private ModelVersion.BasePin championBase;
    private String championReason = "first index";
    private volatile Status status = Status.NONE;

    private static final class Build {
        final StateFile.Entry entry;
        final Generation generation;
        final IndexFeeder feeder;
        final Instant startedAt;
        Instant lastProgress;
        volatile Exception failure;

        Build(StateFile.Entry entry, Generation generation, IndexFeeder feeder, Instant startedAt) {
            this.entry = entry;
            this.generation = generation;
            this.feeder = feeder;
            this.startedAt = startedAt;
            this.lastProgress = startedAt;
        }
    }

    /** What the status page and the API show: the champion, the live index and a build in progress. */
    public record Status(
            int champion,
            Integer liveVersion,
            String liveIndex,
            Long livePairs,
            Integer buildVersion,
            String buildIndex,
            Long buildIndexed,
            Long buildTotal,
            String buildReason,
            Instant buildStartedAt,
            String backend) {
        static final Status NONE = new Status(0, null, null, null, null, null, null, null, null, null, null);
    }

    public Refresher(
            Settings settings,
            IndexBackend backend,
            ModelFiles files,
            EmbeddingCache cache,
            StateFile stateFile,
            LiveIndex live,
            IndexEvents events,
            RefreshMetrics metrics,
            Clock clock,
            ChampionWatch watch,
            FeederFactory feeders,
            IndexFeeder.Listener listener) {
        this.settings = settings;
        this.backend = backend;
        this.files = files;
        this.cache = cache;
        this.stateFile = stateFile;
        this.live = live;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.watch = watch;
        this.feeders = feeders;
        this.listener = new IndexFeeder.Listener() {
            @Override
            public void indexed(Generation g, java.util.List<io.clipstream.contracts.PairCurated> pairs) {
                listener.indexed(g, pairs);
            }

            @Override
            public void skipped(Generation g, io.clipstream.contracts.PairCurated pair, String reason) {
                listener.skipped(g, pair, reason);
            }

            @Override
            public void malformed(Generation g, String detail) {
                listener.malformed(g, detail);
            }

            @Override
            public void failed(Generation g, Exception e) {
                listener.failed(g, e);
                loop.execute(() -> feederFailed(g, e));
            }
        };
    }

    /** Serves what served before, learns the champion, and from then on follows it. */
    public void start() {
        try {
            // before start() returns, so that a restarted service is ready (serving) as soon as it is up
            loop.submit(() -> {
                        try {
                            state = stateFile.read();
                        } catch (Exception e) {
                            LOG.warnf(e, "could not read the index state; starting without one");
                            state = StateFile.State.EMPTY;
                        }
                        if (state.live() != null) {
                            serveAgain(state.live());
                        }
                    })
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the index", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not open the index", e.getCause());
        }
        Optional<ModelVersion> current = watch.readToEnd(settings.championTimeout());
        loop.execute(() -> {
            champion = current.map(ModelVersion::version).orElse(0);
            championSha = current.map(ModelVersion::adapterSha256).orElse(null);
            championBase = current.map(ModelVersion::basePin).orElse(null);
            championReason = state.live() == null ? "first index" : "champion";
            dropOrphans();
            ensureBuild(true);
        });
        watch.follow(v -> loop.execute(() -> {
            champion = v.version();
            championSha = v.adapterSha256();
            championBase = v.basePin();
            championReason = v.announcement() == ModelVersion.Announcement.ROLLBACK ? "rollback" : "champion";
            ensureBuild(false);
        }));
        loop.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** How the follower of model.versions goes. */
    public io.clipstream.contracts.RecordFollower.Health championWatchHealth() {
        return watch.health();
    }

    public Status status() {
        return status;
    }

    private void serveAgain(StateFile.Entry e) {
        try {
            Generation g = open(e);
            live.swap(g);
            liveFeeder = feeders.create(g, listener);
            liveFeeder.start();
            publishStatus();
            LOG.infof("serving %s again", g);
        } catch (Exception ex) {
            LOG.errorf(ex, "could not open the index that served before (%s); it will be rebuilt", e.index());
            state = state.withLive(null);
            writeState();
        }
    }

    private Generation open(StateFile.Entry e) throws Exception {
        VersionEncoder encoder = files.open(e.version(), e.adapterSha256(), e.basePin());
        try {
            VectorIndex index = backend.open(e.index(), encoder.dimension());
            return new Generation(e.version(), encoder, index);
        } catch (Exception ex) {
            encoder.close();
            throw ex;
        }
    }

    private void ensureBuild(boolean startingUp) {
        int target = champion;
        if (build != null) {
            if (build.entry.version() == target) {
                return;
            }
            abandon(build, "superseded: v" + target + " is the champion now");
        }
        Integer liveVersion = live.current().map(Generation::version).orElse(null);
        if (liveVersion != null && liveVersion == target) {
            if (state.build() != null) { // an interrupted build for a version that is not the champion any more
                dropQuietly(state.build().index());
                state = state.withBuild(null);
                writeState();
            }
            return;
        }
        StateFile.Entry entry;
        if (startingUp && state.build() != null && state.build().version() == target) {
            StateFile.Entry b = state.build();
            entry = new StateFile.Entry(
                    b.index(), b.version(), b.buildId(), "resumed", b.startedAt(), championSha, championBase);
        } else {
            if (state.build() != null) {
                dropQuietly(state.build().index());
            }
            Instant now = clock.instant();
            String name = settings.model() + "-v" + target + "-" + STAMP.format(now);
            entry = new StateFile.Entry(name, target, name, championReason, now, championSha, championBase);
        }
        startBuild(entry);
    }

    private void startBuild(StateFile.Entry entry) {
        Generation g;
        try {
            g = open(entry);
        } catch (Exception e) {
            LOG.errorf(
                    "could not start the build of %s (retried in %s): %s", entry.index(), settings.retryBackoff(), e);
            events.send(event(entry, IndexEvent.State.FAILED, 0, null, 0, null, Duration.ZERO, e.toString()));
            metrics.reindex("failed");
            state = state.withBuild(null);
            writeState();
            retryLater();
            return;
        }
        state = state.withBuild(entry);
        writeState();
        IndexFeeder feeder = feeders.create(g, listener);
        build = new Build(entry, g, feeder, clock.instant());
        feeder.start();
        events.send(event(entry, IndexEvent.State.REINDEX_STARTED, 0, null, 0, null, Duration.ZERO, null));
        publishStatus();
    }

    private void retryLater() {
        loop.schedule(
                () -> {
                    if (build == null) {
                        ensureBuild(false);
                    }
                },
                settings.retryBackoff().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            Build b = build;
            if (b != null) {
                if (b.failure != null) {
                    fail(b, b.failure);
                } else if (b.feeder.caughtUp()) {
                    swap(b);
                } else if (Duration.between(b.lastProgress, clock.instant()).compareTo(settings.progressEvery()) >= 0) {
                    b.lastProgress = clock.instant();
                    events.send(progress(b, IndexEvent.State.PROGRESS, null));
                }
            }
            publishStatus();
        } catch (RuntimeException e) {
            LOG.errorf(e, "refresh loop tick");
        }
    }

    private IndexEvent progress(Build b, IndexEvent.State s, String error) {
        Duration took = Duration.between(b.startedAt, clock.instant());
        long indexed = b.feeder.indexed();
        long total = b.feeder.endAtStart();
        double rate = took.toMillis() > 0 ? indexed * 1000.0 / took.toMillis() : 0;
        Double eta = total >= 0 && rate > 0 ? Math.max(0, (total - indexed) / rate) : null;
        long carried = Math.min(indexed, b.feeder.carried());
        return new IndexEvent(
                IndexEvent.SCHEMA_VERSION,
                settings.model(),
                b.entry.buildId(),
                s,
                b.entry.version(),
                liveVersion(),
                backend.kind(),
                indexed,
                indexed - carried,
                carried,
                total >= 0 ? total : null,
                rate,
                s == IndexEvent.State.PROGRESS ? eta : null,
                took.toMillis() / 1000.0,
                b.entry.reason(),
                error,
                clock.instant());
    }

    private Integer liveVersion() {
        return live.current().map(Generation::version).orElse(null);
    }

    private IndexEvent event(
            StateFile.Entry e,
            IndexEvent.State s,
            long indexed,
            Long total,
            double rate,
            Double eta,
            Duration took,
            String error) {
        return new IndexEvent(
                IndexEvent.SCHEMA_VERSION,
                settings.model(),
                e.buildId(),
                s,
                e.version(),
                liveVersion(),
                backend.kind(),
                indexed,
                total,
                rate,
                eta,
                took.toMillis() / 1000.0,
                e.reason(),
                error,
                clock.instant());
    }

    private void swap(Build b) {
        try {
            backend.publish(settings.model(), b.entry.index());
        } catch (Exception e) {
            LOG.warnf(
                    "could not point the %s alias at %s (tried again in a moment): %s",
                    backend.kind(), b.entry.index(), e.getMessage());
            return;
        }
        build = null;
        state = new StateFile.State(b.entry, null);
        writeState();
        Optional<Generation> old = live.swap(b.generation);
        IndexFeeder oldFeeder = liveFeeder;
        liveFeeder = b.feeder;
        metrics.reindex("swapped");
        publishStatus(); // before the event: whoever reads SWAPPED and then asks for the status sees the new index
        events.send(progress(b, IndexEvent.State.SWAPPED, null));
        LOG.infof(
                "%s serves now%s",
                b.generation,
                old.map(g -> "; " + g + " is dropped in " + settings.gracePeriod())
                        .orElse(""));
        if (oldFeeder != null) {
            oldFeeder.close();
        }
        retainCacheOf(b.generation);
        old.ifPresent(g -> loop.schedule(
                () -> g.retire(this::dropWhenClosed), settings.gracePeriod().toMillis(), TimeUnit.MILLISECONDS));
        publishStatus();
    }

    /**
     * Vectors of spaces that the new live version does not have are asked for no more (until a rollback re-embeds
     * them).
     */
    private void retainCacheOf(Generation g) {
        try {
            cache.retain(g.encoder().spaces());
        } catch (Exception e) {
            LOG.warnf(e, "could not prune the embedding cache");
        }
    }

    private void fail(Build b, Exception e) {
        build = null;
        events.send(progress(b, IndexEvent.State.FAILED, e.toString()));
        metrics.reindex("failed");
        b.feeder.close();
        b.generation.retire(this::dropWhenClosed);
        state = state.withBuild(null);
        writeState();
        retryLater();
    }

    private void abandon(Build b, String why) {
        build = null;
        events.send(progress(b, IndexEvent.State.FAILED, why));
        metrics.reindex("superseded");
        b.feeder.close();
        b.generation.retire(this::dropWhenClosed);
        state = state.withBuild(null);
        writeState();
    }

    private void feederFailed(Generation g, Exception e) {
        if (build != null && build.generation == g) {
            build.failure = e;
        } else if (liveFeeder != null && liveFeeder.target() == g) {
            // the live index keeps answering; its feed starts again from its last commit
            loop.schedule(
                    () -> {
                        if (liveFeeder != null && liveFeeder.target() == g && !g.isClosed()) {
                            liveFeeder = feeders.create(g, listener);
                            liveFeeder.start();
                        }
                    },
                    settings.retryBackoff().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void dropWhenClosed(Generation g) {
        loop.execute(() -> dropQuietly(g.index().name()));
    }

    private void dropQuietly(String name) {
        try {
            backend.drop(name);
        } catch (Exception e) {
            LOG.warnf(e, "could not drop index %s", name);
        }
    }

    /** Indexes that neither serve nor are being built (left by a crash between a swap and the drop). */
    private void dropOrphans() {
        try {
            Set<String> keep = new HashSet<>();
            if (state.live() != null) {
                keep.add(state.live().index());
            }
            if (state.build() != null) {
                keep.add(state.build().index());
            }
            for (String n : backend.names()) {
                if (!keep.contains(n)) {
                    LOG.infof("dropping index %s: it neither serves nor is being built", n);
                    dropQuietly(n);
                }
            }
        } catch (Exception e) {
            LOG.warnf(e, "could not list indexes");
        }
    }

    private void writeState() {
        try {
            stateFile.write(state);
        } catch (Exception e) {
            LOG.errorf(e, "could not write the index state");
        }
    }

    private void publishStatus() {
        Optional<Generation> g = live.current();
        Long livePairs = null;
        if (g.isPresent() && !g.get().isClosed()) {
            IndexFeeder f = liveFeeder;
            long indexed = f != null && f.target() == g.get() ? f.indexed() : -1;
            if (g.get() == countedGeneration && indexed >= 0 && indexed == countedAtIndexed) {
                livePairs = countedPairs;
            } else {
                try {
                    livePairs = g.get().index().count();
                    countedGeneration = g.get();
                    countedAtIndexed = indexed;
                    countedPairs = livePairs;
                } catch (Exception e) {
                    // closing
                }
            }
        }
        Build b = build;
        status = new Status(
                champion,
                g.map(Generation::version).orElse(null),
                g.map(x -> x.index().name()).orElse(null),
                livePairs,
                b == null ? null : b.entry.version(),
                b == null ? null : b.entry.index(),
                b == null ? null : b.feeder.indexed(),
                b == null || b.feeder.endAtStart() < 0 ? null : b.feeder.endAtStart(),
                b == null ? null : b.entry.reason(),
                b == null ? null : b.startedAt,
                backend.kind());
        metrics.live(g.map(Generation::version).orElse(-1), livePairs == null ? 0 : livePairs);
        if (b == null) {
            metrics.noBuild();
        } else {
            long total = b.feeder.endAtStart();
            metrics.build(
                    b.entry.version(),
                    b.feeder.indexed(),
                    total > 0 ? Math.min(1.0, b.feeder.indexed() / (double) total) : Double.NaN);
        }
    }

    /** Stops feeding and closes every index; nothing is dropped, so a restart resumes. */
    @Override
    public void close() {
        watch.close();
        try {
            loop.submit(() -> {
                        if (build != null) {
                            build.feeder.close();
                            build.generation.retire(g -> {});
                            build = null;
                        }
                        if (liveFeeder != null) {
                            liveFeeder.close();
                            liveFeeder = null;
                        }
                        live.clear().ifPresent(g -> g.retire(x -> {}));
                    })
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf(e, "closing the refresh loop");
        }
        loop.shutdownNow();
    }
}
