package io.clipstream.clip.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block that knows its Hugging Face module path (e.g. {@code
 * text_model.encoder.layers.0.self_attn}) and names its parameters with HF's full names, so that
 * a checkpoint maps onto the module tree by name. Forward passes are typed Java methods on the
 * subclasses, written with NDArray ops over the parameters' arrays; results belong to the manager
 * of the input array, never to the model's manager.
 */
public abstract class ClipModule extends AbstractBlock {

    private final String path;
    private final Map<String, ClipModule> submodules = new LinkedHashMap<>();
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private WeightView view = WeightView.MASTER;

    /** @param path the HF module path of this module ("" for the root) */
    protected ClipModule(String path) {
        this.path = path;
    }

    /** @return the HF module path ("" for the root) */
    public String path() {
        return path;
    }

    /**
     * Full HF name of a child element.
     *
     * @param local local (possibly dotted) name
     * @return the full name
     */
    protected final String child(String local) {
        return path.isEmpty() ? local : path + "." + local;
    }

    /**
     * Declares a parameter; its array is set later by the loader.
     *
     * @param local local name, e.g. "weight" or "token_embedding.weight"
     * @param type DJL parameter type
     * @param shape expected shape
     * @return the parameter
     */
    protected final Parameter declare(String local, Parameter.Type type, Shape shape) {
        String name = child(local);
        Parameter p =
                addParameter(Parameter.builder().setName(name).setType(type).build());
        params.put(name, p);
        shapes.put(name, shape);
        return p;
    }

    /**
     * Registers a sub-module (constructed with path {@code child(local)}).
     *
     * @param local local name
     * @param module the module
     * @param <M> its type
     * @return the module
     */
    protected final <M extends ClipModule> M register(String local, M module) {
        submodules.put(local, module);
        addChildBlock(local.replace('.', '_'), module);
        return module;
    }

    /** The array the forward pass reads for one of this module's parameters (see {@link #useView}). */
    protected final ai.djl.ndarray.NDArray value(Parameter p) {
        return view.of(p);
    }

    /** @return the view the forward pass reads the weights through */
    protected final WeightView view() {
        return view;
    }

    /** Makes this module and every sub-module read their weights through {@code view} (e.g. fp16 copies). */
    public void useView(WeightView view) {
        this.view = view;
        for (ClipModule m : submodules.values()) {
            m.useView(view);
        }
    }

    /** @return the parameters declared directly by this module, by full HF name */
    public Map<String, Parameter> ownParameters() {
        return Collections.unmodifiableMap(params);
    }

    /**
     * Collects the parameters of this module and its sub-modules, by full HF name, in checkpoint
     * order.
     *
     * @param out the map to fill
     */
    public void collectParameters(Map<String, Parameter> out) {
        out.putAll(params);
        for (ClipModule m : submodules.values()) {
            m.collectParameters(out);
        }
    }

    /**
     * Collects the expected shapes of all parameters, by full HF name.
     *
     * @param out the map to fill
     */
    public void collectShapes(Map<String, Shape> out) {
        out.putAll(shapes);
        for (ClipModule m : submodules.values()) {
            m.collectShapes(out);
        }
    }

    /**
     * Collects this module and all sub-modules, by HF module path.
     *
     * @param out the map to fill
     */
    public void collectModules(Map<String, ClipModule> out) {
        out.put(path, this);
        for (ClipModule m : submodules.values()) {
            m.collectModules(out);
        }
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.singletonOrThrow(), training));
    }

    /**
     * Forward pass of a module that maps one array to one array.
     *
     * @param x input
     * @param training whether dropout (if any) is active
     * @return output
     */
    public ai.djl.ndarray.NDArray forward(ai.djl.ndarray.NDArray x, boolean training) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no 1-1 forward");
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + path + ")";
    }
}
