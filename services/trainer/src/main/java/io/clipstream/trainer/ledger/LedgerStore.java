package io.clipstream.trainer.ledger;

import io.clipstream.trainer.registry.JsonObjects;
import io.clipstream.registry.ModelLayout;

/** Reads and writes a model's {@link LedgerState} ({@code models/<model>/ledger.json}). */
public final class LedgerStore {
    private final JsonObjects objects;
    private final ModelLayout layout;

    public LedgerStore(JsonObjects objects, ModelLayout layout) {
        this.objects = objects;
        this.layout = layout;
    }

    public LedgerState load() {
        return objects.read(layout.ledger(), LedgerState.class).orElse(LedgerState.empty());
    }

    public void save(LedgerState state) {
        objects.write(layout.ledger(), state);
    }
}
