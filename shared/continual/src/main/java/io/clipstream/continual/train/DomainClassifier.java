package io.clipstream.continual.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.clipstream.clip.ScalarOps;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Small MLP (dim -> hidden -> domains) that predicts the domain of an image embedding; used behind a
 * {@link GradientReversal} for domain-adversarial training (DANN). Its parameters are plain NDArrays trained by
 * the same optimizer as the adapter.
 */
public final class DomainClassifier implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();

    public DomainClassifier(NDManager parent, int dim, int hidden, int domains, long seed) {
        this.manager = parent.newSubManager();
        ai.djl.engine.Engine.getEngine(manager.getEngine().getEngineName()).setRandomSeed((int) seed);
        params.put(
                "dann.w1",
                manager.randomNormal(
                        0,
                        (float) Math.sqrt(2.0 / dim),
                        new Shape(dim, hidden),
                        ai.djl.ndarray.types.DataType.FLOAT32));
        params.put("dann.b1", manager.zeros(new Shape(hidden)));
        params.put(
                "dann.w2",
                manager.randomNormal(
                        0,
                        (float) Math.sqrt(1.0 / hidden),
                        new Shape(hidden, domains),
                        ai.djl.ndarray.types.DataType.FLOAT32));
        params.put("dann.b2", manager.zeros(new Shape(domains)));
        params.values().forEach(p -> p.setRequiresGradient(true));
    }

    public Map<String, NDArray> parameters() {
        return params;
    }

    public NDArray logits(NDArray x) {
        NDArray h = x.matMul(params.get("dann.w1")).add(params.get("dann.b1"));
        h = ai.djl.nn.Activation.relu(h);
        return h.matMul(params.get("dann.w2")).add(params.get("dann.b2"));
    }

    /** Mean cross-entropy of the domain prediction for reversed-gradient embeddings. */
    public NDArray adversarialLoss(NDArray imageEmbeds, int[] domainIds, float lambda) {
        NDArray rev = GradientReversal.apply(imageEmbeds, lambda);
        NDArray lsm = logits(rev).logSoftmax(1);
        long n = domainIds.length;
        int k = (int) lsm.getShape().get(1);
        NDArray onehot = lsm.getManager().create(domainIds).oneHot(k);
        return ScalarOps.div(lsm.mul(onehot).sum().neg(), n);
    }

    @Override
    public void close() {
        manager.close();
    }
}
