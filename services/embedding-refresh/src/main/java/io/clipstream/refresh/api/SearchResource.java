package io.clipstream.refresh.api;

import io.clipstream.imaging.DecodeLimits;
import io.clipstream.imaging.GuardedDecoder;
import io.clipstream.refresh.config.RefreshConfig;
import io.clipstream.refresh.index.Filter;
import io.clipstream.refresh.index.Hit;
import io.clipstream.refresh.index.Target;
import io.clipstream.refresh.metrics.RefreshMetrics;
import io.clipstream.refresh.serve.Searcher;
import io.clipstream.storage.ObjectStore;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/search?q=} (text -> images, or captions with {@code target=text}) and {@code POST /v1/search/image}
 * (an image body -> similar images, or captions with {@code target=text}). Every answer names the model version
 * that embedded the query and the index, and links each image with a short-lived presigned URL.
 */
@Path("/v1/search")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class SearchResource {
    /** A query image is embedded at 224-336 px: decoding it beyond 1024 px buys nothing. */
    private static final int QUERY_MAX_SIDE = 1024;

    private static final DecodeLimits QUERY_DECODE = new DecodeLimits(java.time.Duration.ofSeconds(2), 100);

    private final Searcher searcher;
    private final RefreshConfig cfg;
    private final ObjectStore store;
    private final RefreshMetrics metrics;

    public SearchResource(Searcher searcher, RefreshConfig cfg, ObjectStore store, RefreshMetrics metrics) {
        this.searcher = searcher;
        this.cfg = cfg;
        this.store = store;
        this.metrics = metrics;
    }

    /** One result. */
    /**
     * One result; {@code expert}: the per-domain expert whose space the pair and the query were compared in (absent for
     * one adapter).
     */
    public record Result(
            int rank,
            float score,
            String pairId,
            String sha256,
            String source,
            String domain,
            String caption,
            String imageKey,
            String imageUrl,
            String expert) {}

    /** An answer: the model version and index that produced it, and the results best first. */
    public record Answer(
            String model, int version, String index, String target, int k, double tookMs, List<Result> results) {}

    @GET
    public Answer byText(
            @QueryParam("q") String q,
            @QueryParam("k") Integer k,
            @QueryParam("target") String target,
            @QueryParam("domain") String domain,
            @QueryParam("source") String source) {
        long t0 = System.nanoTime();
        if (q == null || q.isBlank()) {
            throw ApiProblem.badQuery("q is empty: say what to look for");
        }
        if (q.length() > cfg.search().maxQueryChars()) {
            throw ApiProblem.badQuery("q has " + q.length() + " characters, at most "
                    + cfg.search().maxQueryChars() + " are allowed");
        }
        int kk = k(k);
        Target t = target(target, Target.IMAGE);
        return run("text", t0, () -> answer(searcher.byText(q.strip(), t, kk, filter(domain, source)), kk, t0));
    }

    @POST
    @Path("/image")
    @Consumes({"image/*", MediaType.APPLICATION_OCTET_STREAM})
    public Answer byImage(
            byte[] body,
            @QueryParam("k") Integer k,
            @QueryParam("target") String target,
            @QueryParam("domain") String domain,
            @QueryParam("source") String source) {
        long t0 = System.nanoTime();
        if (body == null || body.length == 0) {
            throw ApiProblem.badQuery("the body is empty: send the query image's bytes");
        }
        if (body.length > cfg.search().maxImageBytes()) {
            throw new ApiProblem(
                    413,
                    "PAYLOAD_TOO_LARGE",
                    "the image has " + body.length + " bytes, at most "
                            + cfg.search().maxImageBytes() + " are allowed");
        }
        int kk = k(k);
        Target t = target(target, Target.IMAGE);
        BufferedImage img = decode(body);
        return run("image", t0, () -> answer(searcher.byImage(img, t, kk, filter(domain, source)), kk, t0));
    }

    private interface Search {
        Answer run() throws Searcher.NotServing, IOException;
    }

    private Answer run(String kind, long t0, Search s) {
        try {
            Answer a = s.run();
            metrics.query(kind, "ok", System.nanoTime() - t0);
            return a;
        } catch (Searcher.NotServing e) {
            metrics.query(kind, "not_serving", System.nanoTime() - t0);
            throw new ApiProblem(503, "UNAVAILABLE", e.getMessage());
        } catch (IOException e) {
            metrics.query(kind, "error", System.nanoTime() - t0);
            throw new IllegalStateException("search failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            metrics.query(kind, "error", System.nanoTime() - t0);
            throw e;
        }
    }

    private Answer answer(Searcher.Answer a, int k, long t0) {
        List<Result> out = new ArrayList<>(a.hits().size());
        int rank = 1;
        for (Hit h : a.hits()) {
            out.add(new Result(
                    rank++,
                    h.score(),
                    h.pairId(),
                    h.sha256(),
                    h.source(),
                    h.domain(),
                    h.caption(),
                    h.imageKey(),
                    store.presignedGet(h.imageKey(), cfg.search().imageUrlTtl()),
                    h.expert()));
        }
        return new Answer(
                cfg.model(), a.version(), a.index(), a.target().field(), k, (System.nanoTime() - t0) / 1e6, out);
    }

    private int k(Integer k) {
        int kk = k == null ? cfg.search().defaultK() : k;
        if (kk < 1 || kk > cfg.search().maxK()) {
            throw ApiProblem.badQuery("k must be between 1 and " + cfg.search().maxK() + ", not " + kk);
        }
        return kk;
    }

    private static Target target(String s, Target dflt) {
        if (s == null || s.isBlank()) {
            return dflt;
        }
        try {
            return Target.parse(s);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badQuery(e.getMessage());
        }
    }

    private static Filter filter(String domain, String source) {
        return new Filter(blankToNull(domain), blankToNull(source));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /**
     * The query image through the curator's guards ({@link GuardedDecoder}): format guards, the pixel budget from the
     * header before any pixel, a subsampled decode under a time budget.
     */
    private BufferedImage decode(byte[] body) {
        return switch (GuardedDecoder.decode(
                body, cfg.search().maxImageBytes(), cfg.search().maxImagePixels(), QUERY_DECODE, QUERY_MAX_SIDE)) {
            case GuardedDecoder.Image img -> img.image();
            case GuardedDecoder.Refused r -> throw refusal(r);
        };
    }

    private static ApiProblem refusal(GuardedDecoder.Refused r) {
        return switch (r.reason()) {
            case TOO_MANY_BYTES -> new ApiProblem(413, "PAYLOAD_TOO_LARGE", r.detail());
            case DECOMPRESSION_BOMB -> new ApiProblem(413, "IMAGE_TOO_LARGE", r.detail());
            default ->
                new ApiProblem(415, "IMAGE_UNREADABLE", "the body is not an image this service reads: " + r.detail());
        };
    }
}
