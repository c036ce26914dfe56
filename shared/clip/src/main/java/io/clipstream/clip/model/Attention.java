package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.clipstream.clip.ScalarOps;

/** Multi-head self-attention with separate q/k/v/out projections (HF {@code CLIPAttention}). */
public final class Attention extends ClipModule {

    private final int heads;
    private final int headDim;
    private final float scale;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;

    /**
     * @param path HF module path ("...self_attn")
     * @param hidden width
     * @param heads number of heads
     */
    public Attention(String path, int hidden, int heads) {
        super(path);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " not divisible by heads " + heads);
        }
        this.heads = heads;
        this.headDim = hidden / heads;
        this.scale = (float) Math.pow(headDim, -0.5);
        q = register("q_proj", new Linear(child("q_proj"), hidden, hidden, true));
        k = register("k_proj", new Linear(child("k_proj"), hidden, hidden, true));
        v = register("v_proj", new Linear(child("v_proj"), hidden, hidden, true));
        out = register("out_proj", new Linear(child("out_proj"), hidden, hidden, true));
    }

    /**
     * @param x [B, T, H]
     * @param mask additive mask broadcastable to [B, heads, T, T], or null
     * @param training whether dropout is active
     * @return [B, T, H]
     */
    public NDArray forward(NDArray x, NDArray mask, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        NDArray qs = split(ScalarOps.mul(q.forward(x, training), scale), b, t);
        NDArray ks = split(k.forward(x, training), b, t);
        NDArray vs = split(v.forward(x, training), b, t);
        NDArray scores = qs.matMul(ks.transpose(0, 1, 3, 2));
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray ctx = scores.softmax(-1).matMul(vs);
        ctx = ctx.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
        return out.forward(ctx, training);
    }

    private NDArray split(NDArray x, long b, long t) {
        return x.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        return forward(x, null, training);
    }
}
