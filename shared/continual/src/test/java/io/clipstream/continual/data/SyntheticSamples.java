package io.clipstream.continual.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Learnable 28x28 test images: faint noise plus one bright bar whose row encodes the label. */
public final class SyntheticSamples {
    private SyntheticSamples() {}

    public static List<Sample> of(Domain d, int classes, int n, long seed) {
        Random rnd = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % classes;
            float[] p = new float[28 * 28];
            for (int k = 0; k < p.length; k++) p[k] = 0.1f * rnd.nextFloat();
            for (int y = 2 + 2 * label; y < 4 + 2 * label; y++) for (int x = 4; x < 24; x++) p[y * 28 + x] = 1f;
            out.add(new Sample(d.apply(new GreyImage(28, 28, p)), label, d));
        }
        return out;
    }
}
