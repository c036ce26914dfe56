package io.clipstream.continual.bench.domains;

import io.clipstream.continual.data.PixelImage;
import io.clipstream.continual.data.Sample;
import io.clipstream.datasets.FashionMnist;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Per-domain train / validation / held-out test sets. Each domain gets its own disjoint slice of source
 * images (train and validation from the 60k "train" file, test from "t10k"), so no image is seen in two domains.
 */
public record DomainSplits(
        Map<Domain, List<Sample>> train, Map<Domain, List<Sample>> val, Map<Domain, List<Sample>> test) {

    public static DomainSplits build(
            List<FashionMnist.Sample> trainSet,
            List<FashionMnist.Sample> testSet,
            List<Domain> domains,
            int trainPerDomain,
            int valPerDomain,
            int testPerDomain,
            long seed) {
        return build(trainSet, testSet, domains, trainPerDomain, trainPerDomain, valPerDomain, testPerDomain, seed);
    }

    /** As above, with {@code baseTrain} training pairs for the first domain (the base model's). */
    public static DomainSplits build(
            List<FashionMnist.Sample> trainSet,
            List<FashionMnist.Sample> testSet,
            List<Domain> domains,
            int baseTrain,
            int trainPerDomain,
            int valPerDomain,
            int testPerDomain,
            long seed) {
        int need = domains.size() * (trainPerDomain + valPerDomain) + Math.max(0, baseTrain - trainPerDomain);
        if (need > trainSet.size()) {
            throw new IllegalArgumentException("train file too small: need " + need);
        }
        if (domains.size() * testPerDomain > testSet.size()) {
            throw new IllegalArgumentException("test file too small");
        }
        int[] trainPerm = permutation(trainSet.size(), new Random(seed));
        int[] testPerm = permutation(testSet.size(), new Random(seed + 1));
        Map<Domain, List<Sample>> tr = new EnumMap<>(Domain.class);
        Map<Domain, List<Sample>> va = new EnumMap<>(Domain.class);
        Map<Domain, List<Sample>> te = new EnumMap<>(Domain.class);
        int tp = 0;
        int sp = 0;
        for (Domain d : domains) {
            int n = d == domains.get(0) ? baseTrain : trainPerDomain;
            tr.put(d, slice(trainSet, trainPerm, tp, n, d, "train"));
            tp += n;
            va.put(d, slice(trainSet, trainPerm, tp, valPerDomain, d, "val"));
            tp += valPerDomain;
            te.put(d, slice(testSet, testPerm, sp, testPerDomain, d, "test"));
            sp += testPerDomain;
        }
        return new DomainSplits(tr, va, te);
    }

    /** Ids name the domain, the split and the image's index in its file: unique across the splits. */
    private static List<Sample> slice(
            List<FashionMnist.Sample> src, int[] perm, int from, int n, Domain d, String split) {
        List<Sample> out = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            FashionMnist.Sample s = src.get(perm[i]);
            String className = FashionMnist.CLASS_NAMES.get(s.label());
            out.add(new Sample(
                    d.id() + "-" + split + "-" + perm[i],
                    d.apply(PixelImage.ofGreyBytes(FashionMnist.SIDE, FashionMnist.SIDE, s.pixels(), 0)),
                    Captions.prompts(className, d).get(0),
                    d.id(),
                    className));
        }
        return List.copyOf(out);
    }

    /** The same sets keyed by domain id, in domain order: what the engine takes. */
    public static Map<String, List<Sample>> byId(Map<Domain, List<Sample>> sets) {
        Map<String, List<Sample>> out = new java.util.LinkedHashMap<>();
        sets.forEach((d, s) -> out.put(d.id(), s));
        return out;
    }

    static int[] permutation(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
