package io.clipstream.registry;

import io.clipstream.contracts.DomainName;

/** Where a model's objects live in the bucket. */
public record ModelLayout(String model) {
    public ModelLayout {
        if (!model.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("bad model name " + model);
        }
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

    /** The claim of run number {@code n}, created with a conditional PUT by the trainer that numbers the run. */
    public String runClaim(int n) {
        return root() + "runs/" + n + ".json";
    }

    /** @throws IllegalArgumentException when {@code domain} is not a domain name (it becomes part of the key) */
    public String anchors(String domain) {
        return root() + "anchors/" + DomainName.require(domain, "domain") + ".json";
    }

    public String anchorsPrefix() {
        return root() + "anchors/";
    }

    /** @throws IllegalArgumentException when {@code domain} is not a domain name (it becomes part of the key) */
    public String replay(String domain) {
        return root() + "replay/" + DomainName.require(domain, "domain") + ".json";
    }

    public String replayPrefix() {
        return root() + "replay/";
    }

    /** @throws IllegalArgumentException when {@code domain} is not a domain name (it becomes part of the key) */
    public String quarantine(String domain) {
        return quarantinePrefix() + DomainName.require(domain, "domain") + ".json";
    }

    public String quarantinePrefix() {
        return root() + "quarantine/";
    }
}
