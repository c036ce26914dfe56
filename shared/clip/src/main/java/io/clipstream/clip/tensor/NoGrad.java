package io.clipstream.clip.tensor;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches PyTorch's (thread-local) autograd recording off for a scope: inference and in-place
 * weight edits (merge, set) run under it. Restores the previous mode on close.
 */
public final class NoGrad implements AutoCloseable {

    private final boolean previous;

    private NoGrad() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    /** @return a guard; close it to restore the previous mode */
    public static NoGrad enter() {
        return new NoGrad();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
