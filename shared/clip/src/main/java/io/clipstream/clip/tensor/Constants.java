package io.clipstream.clip.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tensors that every forward pass needs and that never change: 0-d scalars (the 1.702 of quick-GELU, LoRA's
 * alpha/r, the attention scale, loss constants) and the causal attention mask of each text length. Built once per
 * device and kept for the life of the JVM in memory torch owns (so autograd may keep them for a backward pass),
 * instead of a JNI allocation, and for the mask a host-to-device copy, in every layer of every step. They are
 * read-only: no op may modify them in place.
 *
 * <p>{@link #setCaching} switches the cache off, which builds every constant anew as before; it exists so that a
 * benchmark can measure both ways in one run.
 */
public final class Constants {
    /** Additive mask value for blocked positions; exp underflows to exactly 0 like finfo.min. */
    public static final float MASKED = -1e9f;
    /** The same in fp16, whose range ends at 65504 (a -1e9 would become -inf, and 0 * -inf is NaN). */
    public static final float MASKED_HALF = -65504f;

    /** {@link #MASKED} or {@link #MASKED_HALF}, whichever {@code type} holds. */
    public static float masked(DataType type) {
        return type == DataType.FLOAT16 ? MASKED_HALF : MASKED;
    }

    private record Key(String device, DataType type, int bits, int length) {}

    private static final Map<String, NDManager> OWNERS = new ConcurrentHashMap<>();
    private static final Map<Key, NDArray> CACHE = new ConcurrentHashMap<>();
    private static volatile boolean caching = true;

    private Constants() {}

    /** On by default. Off: every call builds a fresh tensor that the caller must close. */
    public static void setCaching(boolean on) {
        caching = on;
    }

    public static boolean caching() {
        return caching;
    }

    /**
     * A 0-d tensor of {@code value} in x's dtype on x's device. Cached: owned here, never to be closed by the
     * caller (see {@link #release}).
     */
    public static NDArray scalar(NDArray x, float value) {
        if (!caching) {
            return x.getManager().full(new Shape(), value, x.getDataType(), x.getDevice());
        }
        Device d = x.getDevice();
        Key k = new Key(d.toString(), x.getDataType(), Float.floatToIntBits(value), -1);
        return CACHE.computeIfAbsent(k, key -> owner(d).full(new Shape(), value, key.type(), d));
    }

    /**
     * The additive causal mask {@code [1, 1, t, t]}: 0 on and below the diagonal, {@link #MASKED} above it, float32
     * on {@code device}. Uncached, it belongs to {@code manager}.
     */
    public static NDArray causalMask(NDManager manager, int t, Device device) {
        return causalMask(manager, t, device, DataType.FLOAT32);
    }

    /** The same in {@code type} (float32 or float16), blocked positions at {@link #masked}. */
    public static NDArray causalMask(NDManager manager, int t, Device device, DataType type) {
        if (!caching) {
            return buildCausal(manager, t, device, type);
        }
        Key k = new Key(device.toString(), type, 0, t);
        return CACHE.computeIfAbsent(k, key -> buildCausal(owner(device), t, device, type));
    }

    /**
     * A float32 1 of shape (1) on {@code device}: multiplying a half-precision tensor by it gives float32 by type
     * promotion, and unlike a cast the gradient flows back through it. Always cached.
     */
    public static NDArray fp32One(Device device) {
        Key k = new Key(device.toString(), DataType.FLOAT32, Float.floatToIntBits(1f), 1);
        return CACHE.computeIfAbsent(k, key -> owner(device).ones(new Shape(1), DataType.FLOAT32, device));
    }

    /** Whether closing {@code constant} is the caller's job (it is not when the cache holds it). */
    public static void release(NDArray constant) {
        if (!caching) {
            constant.close();
        }
    }

    private static NDArray buildCausal(NDManager manager, int t, Device device, DataType type) {
        float[] causal = new float[t * t];
        float masked = masked(type);
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                causal[i * t + j] = masked;
            }
        }
        NDArray host = manager.create(causal, new Shape(1, 1, t, t));
        if (type != DataType.FLOAT32) {
            NDArray typed = host.toType(type, false);
            host.close();
            host = typed;
        }
        if (host.getDevice().equals(device)) {
            return host;
        }
        NDArray onDevice = host.toDevice(device, false);
        host.close();
        return onDevice;
    }

    private static NDManager owner(Device device) {
        return OWNERS.computeIfAbsent(device.toString(), k -> NDManager.newBaseManager(device));
    }
}
