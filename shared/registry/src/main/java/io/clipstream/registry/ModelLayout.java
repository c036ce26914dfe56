package io.clipstream.registry;

/** Where a model's objects live in the bucket (DESIGN.md, "Object storage layout"). */
public record ModelLayout(String model) {
    public ModelLayout {
        if (!model.matches("[a-z0-9][a-z0-9._-]{0,63}")) throw new IllegalArgumentException("bad model name " + model);
    }

    public String root() {
        return "models/" + model + "/";
    }

    /** Base checkpoint in Hugging Face layout (config.json, model.safetensors, tokenizer.json). */
    public String base() {
        return root() + "base/";
    }

    public String versions() {
        return root() + "versions/";
    }

    public String version(int n) {
        return versions() + n + "/";
    }

    public String lock() {
        return root() + "lock.json";
    }

    public String ledger() {
        return root() + "ledger.json";
    }

    public String anchors(String domain) {
        return root() + "anchors/" + domain + ".json";
    }

    public String anchorsPrefix() {
        return root() + "anchors/";
    }

    public String replay(String domain) {
        return root() + "replay/" + domain + ".json";
    }

    public String replayPrefix() {
        return root() + "replay/";
    }
}
