package io.clipstream.continual.data;

/** One labelled image of a domain (already transformed into that domain). Captions are drawn per use. */
public record Sample(GreyImage image, int label, Domain domain) {}
