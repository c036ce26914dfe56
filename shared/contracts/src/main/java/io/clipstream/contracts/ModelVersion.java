package io.clipstream.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A model version announced as the champion ({@code model.versions}, key = model name; compacted, so
 * the latest record per model names the champion that embedding refresh and serving use). A version is a
 * LoRA adapter (PEFT layout) on top of a base checkpoint, published under {@code adapterUri} with a
 * {@code MANIFEST.json} written last; a version is announced only once its manifest exists.
 *
 * <p>{@link Announcement#PROMOTED} announces a new version that passed the evaluation gate;
 * {@link Announcement#ROLLBACK} makes an earlier version the champion again, with that version's own
 * fields and a new {@code announcedAt}.
 *
 * <p>{@code latestVersion} is the highest version number the registry had published when this record
 * was written, so {@code latestVersion >= version}: a ROLLBACK to v2 after v3 has {@code version} 2 and
 * {@code latestVersion} 3. A restarted trainer reads the last record per model and announces any version
 * above {@code latestVersion} that has a MANIFEST (published, but its announcement lost to the crash).
 *
 * @param parentVersion  the version this one was trained from; null for the first version
 * @param alias          the registry alias the version holds after this announcement ({@link #CHAMPION}),
 *                       null when it holds none
 * @param baseRef        the object-store prefix of the base checkpoint, e.g. {@code models/tiny/base/}
 * @param basePin        the base checkpoint and tokenizer the version was trained on, by hash; a loader refuses the
 *                       version on any other base. Null only for versions announced before bases were pinned
 * @param adapterUri     where the version lies, e.g. {@code s3://clipstream/models/tiny/versions/3/}
 * @param adapterSha256  sha256 of the adapter weights as 64 lower-case hex digits (as in the MANIFEST)
 * @param dataWindow     the curated pairs the version was trained on
 * @param metrics        the version's evaluation, domain -> metric -> value
 * @param gate           the evaluation gate's decision that promoted it
 * @param runId          the training run that produced it (the key of its {@code training.runs} events)
 * @param device         where it was trained
 * @param createdAt      when the version was published
 * @param announcedAt    when this record was written
 */
public record ModelVersion(
        int schemaVersion,
        String model,
        int version,
        Integer parentVersion,
        Announcement announcement,
        int latestVersion,
        String alias,
        String baseRef,
        BasePin basePin,
        String adapterUri,
        String adapterSha256,
        DataWindow dataWindow,
        Map<String, Map<String, Double>> metrics,
        Gate gate,
        String runId,
        String device,
        Instant createdAt,
        Instant announcedAt) {

    public static final int SCHEMA_VERSION = 1;
    /** The alias of the version that embedding refresh and serving use. */
    public static final String CHAMPION = "champion";

    public ModelVersion {
        if (latestVersion < version) {
            throw new IllegalArgumentException(
                    model + " v" + version + ": latestVersion " + latestVersion + " is below the version itself");
        }
        metrics = Copies.metrics(metrics);
    }

    /**
     * A base checkpoint by content: {@code checkpointSha256} is the sha256 of the base's MANIFEST.json rendering (every
     * file of the checkpoint by its sha256, sorted), {@code tokenizerSha256} that of its {@code tokenizer.json}.
     */
    public record BasePin(String checkpointSha256, String tokenizerSha256) {
        private static final java.util.regex.Pattern SHA256 = java.util.regex.Pattern.compile("[0-9a-f]{64}");

        public BasePin {
            for (String s : new String[] {checkpointSha256, tokenizerSha256}) {
                if (s == null || !SHA256.matcher(s).matches()) {
                    throw new IllegalArgumentException("base pin '" + s + "' is not 64 lower-case hex digits");
                }
            }
        }

        /** One line for an operator: both hashes, shortened. */
        public String describe() {
            return "checkpoint " + checkpointSha256.substring(0, 12) + "…, tokenizer "
                    + tokenizerSha256.substring(0, 12) + "…";
        }
    }

    /** What the record announces. */
    public enum Announcement {
        PROMOTED,
        ROLLBACK
    }

    /**
     * The curated pairs a version was trained on: offset ranges of {@code topic} per partition and the
     * count per domain.
     */
    public record DataWindow(String topic, Map<Integer, OffsetRange> partitions, Map<String, Integer> pairsPerDomain) {

        public DataWindow {
            partitions = Copies.map(partitions);
            pairsPerDomain = Copies.map(pairsPerDomain);
        }
    }

    /** The offsets {@code [from, to)} of one partition: {@code from} included, {@code to} excluded. */
    public record OffsetRange(long from, long to) {

        public OffsetRange {
            if (from < 0 || from > to) {
                throw new IllegalArgumentException("offset range [" + from + ", " + to + ") is not 0 <= from <= to");
            }
        }
    }

    /**
     * The evaluation gate's decision.
     *
     * @param chosen  which model was promoted: {@code candidate}, or a WiSE-FT mix such as {@code wise-0.5}
     * @param reasons why the gate decided as it did (why the plain candidate failed, when a mix was chosen)
     * @param checks  the checks it made, one line each
     */
    public record Gate(boolean blessed, String chosen, List<String> reasons, List<String> checks) {

        public Gate {
            reasons = Copies.list(reasons);
            checks = Copies.list(checks);
        }
    }
}
