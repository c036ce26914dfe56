package io.clipstream.continual.engine;

import io.clipstream.clip.ClipModel;
import io.clipstream.continual.gate.GateDecision;
import java.io.IOException;
import java.nio.file.Path;
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
     * @param routing      a routed strategy's router and the adapter of each domain (written as routing.json); null
     *                     for one adapter
     */
    record Promotion(int number, List<String> domains, String strategy, GateDecision decision, String chosen,
                     Map<String, Map<String, Double>> metrics, Path parentModel, Path parentAdapter, Map<String, Object> routing) {
        public Promotion(int number, List<String> domains, String strategy, GateDecision decision, String chosen,
                         Map<String, Map<String, Double>> metrics, Path parentModel, Path parentAdapter) {
            this(number, domains, strategy, decision, chosen, metrics, parentModel, parentAdapter, null);
        }
    }

    /** Where the published version can be read back from: the teacher of the next increment is rebuilt from it. */
    record Published(Path versionDir, Path modelDir, Path adapterDir) {}

    /** Writes the model's current (promoted) adapter. May change the model (merge-fresh merges and restarts it). */
    Published publish(ClipModel model, Promotion promotion) throws IOException;
}
