package io.clipstream.curator.store;

import java.time.Instant;

/**
 * The text object of a curated pair ({@code pairs/text/sha256/ab/<sha256>.json}). Everything in it
 * derives from the raw event and the image bytes - no wall-clock time - so a replay writes the same
 * document.
 */
public record TextDocument(
        int schemaVersion,
        String pairId,
        String source,
        String domain,
        String text,
        String sha256,
        String imageKey,
        String imageFormat,
        int width,
        int height,
        String perceptualHash,
        double sharpness,
        Instant submittedAt) {

    public static final int SCHEMA_VERSION = 1;
}
