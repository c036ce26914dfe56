package io.clipstream.trainer.api;

import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.Problem;
import io.clipstream.registry.Registry;
import io.clipstream.registry.VersionRecord;
import io.clipstream.storage.StorageSettings;
import io.clipstream.trainer.config.TrainerConfig;
import io.clipstream.trainer.ledger.PendingPairs;
import io.clipstream.trainer.ledger.Quarantine;
import io.clipstream.trainer.ledger.RefusedRecords;
import io.clipstream.trainer.run.Announcer;
import io.clipstream.trainer.run.RunScheduler;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry and the run trigger over HTTP. Every request needs the operator's bearer token ({@link OperatorAuth},
 * reads included).
 */
@Path("/v1/models/{model}")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    @Inject
    TrainerConfig cfg;

    @Inject
    Registry registry;

    @Inject
    Announcer announcer;

    @Inject
    RunScheduler scheduler;

    @Inject
    PendingPairs pending;

    @Inject
    RefusedRecords refusedRecords;

    @Inject
    Quarantine quarantine;

    @Inject
    StorageSettings storage;

    @Inject
    Clock clock;

    @Inject
    io.clipstream.trainer.metrics.TrainerMetrics metrics;

    /** A request body naming a version. */
    public record VersionRequest(int version) {}

    @POST
    @Path("/runs")
    public Response run(@PathParam("model") String model) {
        if (!cfg.model().equals(model)) {
            return unknown(model);
        }
        if (!scheduler.requestRun()) {
            return error(Response.Status.CONFLICT, "NOTHING_TO_TRAIN", "no curated pair waits for model " + model);
        }
        return Response.accepted(Map.of("model", model, "waiting", pending.perDomain()))
                .build();
    }

    @GET
    @Path("/versions")
    public Response versions(@PathParam("model") String model) {
        if (!cfg.model().equals(model)) {
            return unknown(model);
        }
        Integer champion = announcer.latest(model).map(ModelVersion::version).orElse(null);
        List<Map<String, Object>> out = registry.versions().stream()
                .map(n -> describe(registry.read(n).orElseThrow(), champion))
                .toList();
        return Response.ok(Map.of("model", model, "champion", champion == null ? "none" : champion, "versions", out))
                .build();
    }

    @GET
    @Path("/versions/{n}")
    public Response version(@PathParam("model") String model, @PathParam("n") int n) {
        if (!cfg.model().equals(model)) {
            return unknown(model);
        }
        Optional<VersionRecord> rec = registry.read(n);
        if (rec.isEmpty()) {
            return error(Response.Status.NOT_FOUND, "UNKNOWN_VERSION", model + " has no version " + n);
        }
        Integer champion = announcer.latest(model).map(ModelVersion::version).orElse(null);
        return Response.ok(describe(rec.get(), champion)).build();
    }

    /** Rolls back: re-announces an earlier version as the champion. */
    @POST
    @Path("/champion")
    public Response rollback(@PathParam("model") String model, VersionRequest req) {
        if (!cfg.model().equals(model)) {
            return unknown(model);
        }
        if (req == null) {
            return error(Response.Status.BAD_REQUEST, "MALFORMED_REQUEST", "body {\"version\": n} expected");
        }
        Optional<VersionRecord> rec = registry.read(req.version());
        if (rec.isEmpty()) {
            return error(Response.Status.NOT_FOUND, "UNKNOWN_VERSION", model + " has no version " + req.version());
        }
        ModelVersion v = rec.get()
                .announcement(ModelVersion.Announcement.ROLLBACK, registry.latest(), storage.bucket(), clock.instant());
        announcer.announce(v);
        metrics.champion(v.version(), v.metrics());
        return Response.ok(describe(rec.get(), v.version())).build();
    }

    @GET
    @Path("/waiting")
    public Response waiting(@PathParam("model") String model) {
        if (!cfg.model().equals(model)) {
            return unknown(model);
        }
        return Response.ok(Map.of("model", model, "waiting", pending.perDomain()))
                .build();
    }

    /** The last pairs.curated records the feed refused, oldest first, each with its reason. */
    @GET
    @Path("/refused")
    public Response refused(@PathParam("model") String model) {
        if (!cfg.model().equals(model)) {
            return unknown(model);
        }
        return Response.ok(Map.of("model", model, "refused", refusedRecords.recent()))
                .build();
    }

    /**
     * The quarantined pairs of rejected runs, by domain: count, the run and reasons that put them there, a few pair
     * ids.
     */
    @GET
    @Path("/quarantine")
    public Response quarantined(@PathParam("model") String model) {
        if (!cfg.model().equals(model)) {
            return unknown(model);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        quarantine.all().forEach((d, e) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("domain", d);
            m.put("pairs", e.pairs().size());
            m.put("runId", e.runId());
            m.put("reasons", e.reasons());
            m.put("at", e.at());
            m.put("rejections", e.rejections());
            m.put("retryRequested", e.retryRequested());
            m.put(
                    "pairIds",
                    e.pairs().stream()
                            .limit(20)
                            .map(io.clipstream.trainer.ledger.PairRef::pairId)
                            .toList());
            out.add(m);
        });
        return Response.ok(Map.of("model", model, "quarantine", out)).build();
    }

    /** The domain's quarantined pairs are retried: a run starts at the next trigger check, with any pairs that wait. */
    @POST
    @Path("/quarantine/{domain}/retry")
    public Response retryQuarantined(@PathParam("model") String model, @PathParam("domain") String domain) {
        if (!cfg.model().equals(model)) {
            return unknown(model);
        }
        if (!io.clipstream.contracts.DomainName.isValid(domain) || !quarantine.requestRetry(domain)) {
            return notQuarantined(domain);
        }
        scheduler.requestQuarantineRetry();
        return Response.accepted(Map.of(
                        "model",
                        model,
                        "domain",
                        domain,
                        "runRequested",
                        true,
                        "when",
                        "the next trigger check starts a run with them"))
                .build();
    }

    /** Drops the domain's quarantined pairs for good: the operator's decision, never the trainer's. */
    @DELETE
    @Path("/quarantine/{domain}")
    public Response dropQuarantined(@PathParam("model") String model, @PathParam("domain") String domain) {
        if (!cfg.model().equals(model)) {
            return unknown(model);
        }
        if (!io.clipstream.contracts.DomainName.isValid(domain) || !quarantine.drop(domain)) {
            return notQuarantined(domain);
        }
        metrics.quarantined(domain, 0);
        return Response.noContent().build();
    }

    private Response notQuarantined(String domain) {
        return error(
                Response.Status.NOT_FOUND, "NOT_QUARANTINED", "no pairs of domain '" + domain + "' are quarantined");
    }

    private static Map<String, Object> describe(VersionRecord r, Integer champion) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", r.version());
        m.put("champion", champion != null && champion == r.version());
        m.put("parentVersion", r.parentVersion());
        m.put("baseRef", r.baseRef());
        m.put("basePin", r.basePin());
        m.put("createdAt", r.createdAt());
        m.put("runId", r.runId());
        m.put("device", r.device());
        m.put("adapterSha256", r.adapterSha256());
        m.put("dataWindow", r.dataWindow());
        m.put("metrics", r.metrics());
        m.put("baseline", r.baseline());
        m.put("gate", r.gate());
        m.put("strategy", r.strategy());
        return m;
    }

    private Response unknown(String model) {
        return error(
                Response.Status.NOT_FOUND, "UNKNOWN_MODEL", "this trainer trains " + cfg.model() + ", not " + model);
    }

    private static Response error(Response.Status status, String code, String message) {
        return Response.status(status)
                .entity(Problem.of(status.getStatusCode(), code, status.getReasonPhrase(), message))
                .type(Problem.MEDIA_TYPE)
                .build();
    }
}
