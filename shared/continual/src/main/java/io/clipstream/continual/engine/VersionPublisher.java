package io.clipstream.continual.engine;

import ai.djl.ndarray.NDArray;
import io.clipstream.clip.ClipModel;
import io.clipstream.continual.gate.GateDecision;
import io.clipstream.registry.ExpertSet;
import io.clipstream.registry.Registry;
import io.clipstream.registry.VersionManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where a promoted increment goes: the benchmark writes local version directories, the trainer its registry. */
@FunctionalInterface
public interface VersionPublisher {

    /**
     * What is being promoted.
     *
     * @param number       1, 2, ... within this learner
     * @param domains      the domains of the increment's new data
     * @param chosen       "candidate" or the WiSE-FT mix that passed
     * @param metrics      the promoted weights' metrics on the anchor sets (domain -> metric -> value)
     * @param parentModel  HF checkpoint the adapter applies to
     * @param parentAdapter the adapter promoted before, null if none
     * @param experts      a routed strategy's experts and router (written by {@link Experts#write}); null for one
     * adapter
     */
    record Promotion(
            int number,
            List<String> domains,
            String strategy,
            GateDecision decision,
            String chosen,
            Map<String, Map<String, Double>> metrics,
            Path parentModel,
            Path parentAdapter,
            Experts experts) {
        public Promotion(
                int number,
                List<String> domains,
                String strategy,
                GateDecision decision,
                String chosen,
                Map<String, Map<String, Double>> metrics,
                Path parentModel,
                Path parentAdapter) {
            this(number, domains, strategy, decision, chosen, metrics, parentModel, parentAdapter, null);
        }
    }

    /**
     * A routed version's experts: the set as the learner describes it (the experts' weight hashes are filled in when
     * written) and each expert's adapter weights by name.
     */
    record Experts(ExpertSet set, Map<String, Map<String, NDArray>> weights) {
        /**
         * Writes every expert's adapter into {@code experts/<name>/} of {@code dir} and the set, with each expert's
         * weights hash, and {@code runId} and {@code version} where an expert's run or version is not known yet (null
         * leaves the version to the registry), as {@value ExpertSet#FILE}. The model's adapter is left holding the last
         * expert written.
         */
        public ExpertSet write(ClipModel model, Path dir, String runId, Integer version) throws IOException {
            Map<String, ExpertSet.Expert> out = new LinkedHashMap<>();
            for (Map.Entry<String, ExpertSet.Expert> e : set.experts().entrySet()) {
                Path folder = dir.resolve(ExpertSet.folder(e.getKey()));
                model.lora().setWeights(weights.get(e.getKey()));
                model.saveAdapter(folder);
                ExpertSet.Expert x = e.getValue();
                out.put(
                        e.getKey(),
                        new ExpertSet.Expert(
                                x.domains(),
                                VersionManifest.sha256(folder.resolve(Registry.ADAPTER_WEIGHTS)),
                                x.version() == null ? version : x.version(),
                                x.runId() == null ? runId : x.runId(),
                                x.pairs()));
            }
            ExpertSet written = ExpertSet.of(set.baseDomain(), set.router(), set.expertOfDomain(), out);
            written.write(dir);
            return written;
        }
    }

    /**
     * Where the published version can be read back from: the teacher of the next increment is rebuilt from it.
     *
     * @param experts a routed version's experts as written ({@link Experts#write}); null for one adapter
     */
    record Published(Path versionDir, Path modelDir, Path adapterDir, ExpertSet experts) {
        public Published(Path versionDir, Path modelDir, Path adapterDir) {
            this(versionDir, modelDir, adapterDir, null);
        }
    }

    /** Writes the model's current (promoted) adapter. May change the model (merge-fresh merges and restarts it). */
    Published publish(ClipModel model, Promotion promotion) throws IOException;
}
