package io.clipstream.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** CLIP's symmetric InfoNCE: mean of image-to-text and text-to-image cross-entropy on the diagonal. */
public final class ContrastiveLoss {

    private ContrastiveLoss() {}

    /**
     * @param out paired batch (row i of images matches row i of texts)
     * @return scalar loss, owned by the embeddings' manager
     */
    public static NDArray symmetricInfoNce(ClipOutput out) {
        NDArray logits = out.logitsPerImage();
        int b = (int) logits.getShape().get(0);
        NDManager m = logits.getManager();
        NDArray eye = m.eye(b).toType(DataType.FLOAT32, false).toDevice(logits.getDevice(), false);
        NDArray i2t = ScalarOps.div(logits.logSoftmax(1).mul(eye).sum().neg(), b);
        NDArray t2i = ScalarOps.div(logits.logSoftmax(0).mul(eye).sum().neg(), b);
        return ScalarOps.div(i2t.add(t2i), 2f);
    }
}
