package io.clipstream.trainer.ledger;

import io.clipstream.contracts.DomainName;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairCurated;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a pairs.curated record can wait for a run. The topic is compacted, so a record written before
 * the upstream checked it stays readable for ever: whatever a run, a metric label or an object key needs is
 * checked here, once, before the pair is pending.
 */
public final class CuratedRecordCheck {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Longest excerpt of a record's own text quoted in a refusal (it reaches logs and the HTTP API). */
    private static final int QUOTE = 80;

    private CuratedRecordCheck() {}

    public enum Reason {
        /** The value is not a PairCurated JSON document. */
        MALFORMED,
        /** A field a run needs (pairId, sha256, imageKey, domain, text) is null or blank. */
        FIELD_MISSING,
        /** The domain breaks {@link DomainName}'s grammar. */
        DOMAIN_INVALID,
        /** sha256 is not 64 lower-case hex digits (it names the image's file in the local cache). */
        SHA256_INVALID
    }

    public sealed interface Result permits Accepted, Refused {}

    public record Accepted(PairRef pair) implements Result {}

    /** @param pairId the record's pairId when it parsed and had one, else null */
    public record Refused(Reason reason, String detail, String pairId) implements Result {}

    public static Result check(byte[] value, int partition, long offset) {
        PairCurated c;
        try {
            c = Json.read(value, PairCurated.class);
        } catch (RuntimeException e) {
            return new Refused(Reason.MALFORMED, quote(String.valueOf(e.getMessage()), 300), null);
        }
        String pairId = blank(c.pairId()) ? null : quote(c.pairId(), QUOTE);
        List<String> missing = new ArrayList<>();
        if (blank(c.pairId())) {
            missing.add("pairId");
        }
        if (blank(c.sha256())) {
            missing.add("sha256");
        }
        if (blank(c.imageKey())) {
            missing.add("imageKey");
        }
        if (blank(c.domain())) {
            missing.add("domain");
        }
        if (blank(c.text())) {
            missing.add("text");
        }
        if (!missing.isEmpty()) {
            return new Refused(Reason.FIELD_MISSING, "missing " + String.join(", ", missing), pairId);
        }
        Optional<String> domainProblem = DomainName.problem(c.domain());
        if (domainProblem.isPresent()) {
            return new Refused(
                    Reason.DOMAIN_INVALID, "domain '" + quote(c.domain(), QUOTE) + "': " + domainProblem.get(), pairId);
        }
        if (!SHA256.matcher(c.sha256()).matches()) {
            return new Refused(
                    Reason.SHA256_INVALID,
                    "sha256 '" + quote(c.sha256(), QUOTE) + "' is not 64 lower-case hex digits",
                    pairId);
        }
        return new Accepted(PairRef.of(c, partition, offset));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** {@code s} cut to {@code max} characters, control characters replaced: it goes into one log line. */
    private static String quote(String s, int max) {
        String cut = s.length() > max ? s.substring(0, max) + "... (" + s.length() + " chars)" : s;
        return cut.codePoints()
                .map(cp -> Character.isISOControl(cp) ? '?' : cp)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
