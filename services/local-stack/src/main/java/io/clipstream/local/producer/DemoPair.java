package io.clipstream.local.producer;

/** One image-text pair to push: the image's encoded bytes (PNG, JPEG, ...) and its caption. */
public record DemoPair(String pairId, String domain, String text, byte[] image) {}
