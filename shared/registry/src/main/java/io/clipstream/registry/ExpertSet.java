package io.clipstream.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.clipstream.contracts.DomainName;
import io.clipstream.contracts.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A version that is a set of experts: {@value #FILE} in the version's folder, beside one PEFT LoRA adapter per expert
 * in {@code experts/<name>/} (PEFT's multi-adapter layout: each folder loads with
 * {@code PeftModel.load_adapter(path, adapter_name=name)}). It names the router, which expert serves each domain (null:
 * the base model itself), and each expert's lineage. The version's announcement carries the sha256 of this file, and
 * this file the sha256 of every expert's weights: an expert cannot be swapped without the announced hash changing.
 *
 * @param baseDomain     the domain the router's first stage takes; served by the base model unless an expert is named
 * @param router         the router as it describes itself (stages, weights), read back by the engine
 * @param expertOfDomain every routed domain, in the router's order, and the name of its expert (null: the base model)
 * @param experts        each expert by name
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ExpertSet(
        String format,
        String baseDomain,
        Map<String, Object> router,

        @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
        Map<String, String> expertOfDomain,

        Map<String, Expert> experts) {
    public static final String FILE = "routing.json";
    public static final String FORMAT = "clipstream-experts/1";
    public static final String FOLDER = "experts/";

    /**
     * One expert.
     *
     * @param adapterSha256 sha256 of its {@value Registry#ADAPTER_WEIGHTS}
     * @param version       the version that trained it (null while that version is being published: the registry
     *                      writes its number)
     * @param runId         the run that trained it
     * @param pairs         how many pairs it was trained on in that run
     */
    public record Expert(List<String> domains, String adapterSha256, Integer version, String runId, int pairs) {
        public Expert withVersion(int n) {
            return new Expert(domains, adapterSha256, n, runId, pairs);
        }
    }

    public ExpertSet {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("an expert set of format " + format + "; this reads " + FORMAT);
        }
        expertOfDomain = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expertOfDomain));
        experts = Map.copyOf(experts);
        router = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(router));
        if (!expertOfDomain.containsKey(baseDomain)) {
            throw new IllegalArgumentException("the base domain " + baseDomain + " is not routed");
        }
        for (Map.Entry<String, String> e : expertOfDomain.entrySet()) {
            DomainName.require(e.getKey(), "domain");
            if (e.getValue() != null && !experts.containsKey(e.getValue())) {
                throw new IllegalArgumentException(
                        "domain " + e.getKey() + " is served by expert " + e.getValue() + ", which the set lacks");
            }
        }
        for (String name : experts.keySet()) {
            DomainName.require(name, "expert name");
        }
    }

    public static ExpertSet of(
            String baseDomain,
            Map<String, Object> router,
            Map<String, String> expertOfDomain,
            Map<String, Expert> experts) {
        return new ExpertSet(FORMAT, baseDomain, router, expertOfDomain, experts);
    }

    /** The folder of an expert's adapter, relative to the version's folder. */
    public static String folder(String expert) {
        return FOLDER + DomainName.require(expert, "expert name") + "/";
    }

    /** The routed domains, in the router's order. */
    public List<String> domains() {
        return List.copyOf(expertOfDomain.keySet());
    }

    /** Every expert whose version is not yet known gets {@code n}: the version being published trained it. */
    public ExpertSet numbered(int n) {
        Map<String, Expert> out = new LinkedHashMap<>();
        experts.forEach((name, e) -> out.put(name, e.version() == null ? e.withVersion(n) : e));
        return new ExpertSet(format, baseDomain, router, expertOfDomain, out);
    }

    /** Refuses a set whose experts' weights are not the files {@code manifest} lists (path -> sha256). */
    public void requireMatches(Map<String, String> manifest, String what) throws IOException {
        for (Map.Entry<String, Expert> e : experts.entrySet()) {
            String key = folder(e.getKey()) + Registry.ADAPTER_WEIGHTS;
            String actual = manifest.get(key);
            if (actual == null) {
                throw new IOException(what + ": expert " + e.getKey() + " has no " + key);
            }
            if (!actual.equals(e.getValue().adapterSha256())) {
                throw new IOException(what + ": expert " + e.getKey() + "'s weights have sha256 " + actual
                        + ", its routing names " + e.getValue().adapterSha256());
            }
        }
    }

    public static boolean isIn(Path versionDir) {
        return Files.isRegularFile(versionDir.resolve(FILE));
    }

    public static ExpertSet read(Path versionDir) throws IOException {
        return parse(Files.readAllBytes(versionDir.resolve(FILE)));
    }

    public static ExpertSet parse(byte[] json) throws IOException {
        try {
            return Json.read(json, ExpertSet.class);
        } catch (RuntimeException e) {
            throw new IOException("not an expert set (" + FILE + "): " + e.getMessage(), e);
        }
    }

    public void write(Path versionDir) throws IOException {
        Files.createDirectories(versionDir);
        Files.write(versionDir.resolve(FILE), Json.write(this));
    }
}
