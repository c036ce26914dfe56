package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.clipstream.clip.tensor.Ops;

/** Token plus learned absolute position embeddings (HF {@code CLIPTextEmbeddings}). */
public final class TextEmbeddings extends ClipModule {

    private final Parameter token;
    private final Parameter position;
    private final int maxPositions;

    /**
     * @param path HF module path ("text_model.embeddings")
     * @param vocab vocabulary size
     * @param maxPositions context length
     * @param hidden width
     */
    public TextEmbeddings(String path, int vocab, int maxPositions, int hidden) {
        super(path);
        this.maxPositions = maxPositions;
        token = declare("token_embedding.weight", Parameter.Type.WEIGHT, new Shape(vocab, hidden));
        position = declare("position_embedding.weight", Parameter.Type.WEIGHT, new Shape(maxPositions, hidden));
    }

    /**
     * @param ids token ids [B, T], int64, T &lt;= max positions
     * @param training unused
     * @return [B, T, H]
     */
    @Override
    public NDArray forward(NDArray ids, boolean training) {
        long t = ids.getShape().get(1);
        if (t > maxPositions) {
            throw new IllegalArgumentException(
                    "sequence length " + t + " exceeds max_position_embeddings " + maxPositions);
        }
        NDArray positions = ids.getManager().arange(0, (int) t, 1, DataType.INT64, ids.getDevice());
        return Ops.embedding(ids, value(token)).add(Ops.embedding(positions, value(position)));
    }
}
