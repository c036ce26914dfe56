package io.clipstream.refresh.api;

import io.clipstream.refresh.ops.OpsJournal;
import io.clipstream.refresh.ops.VersionCatalog;
import io.clipstream.refresh.reindex.Refresher;
import io.clipstream.registry.VersionRecord;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /v1/ops}: what the page's operations view shows: the index's state, the recent training runs with their
 * steps and gate reasons, every version in the registry with its metrics and lineage, the latest announcements and
 * index events. Needs the search key, as the search endpoints do.
 */
@Path("/v1/ops")
@Produces(MediaType.APPLICATION_JSON)
public class OpsResource {
    /** The operations view's data, newest first in every list. */
    public record Ops(
            Refresher.Status index,
            List<OpsJournal.RunView> runs,
            List<VersionRecord> versions,
            List<io.clipstream.contracts.ModelVersion> announcements,
            List<io.clipstream.contracts.IndexEvent> indexEvents) {}

    private final Refresher refresher;
    private final OpsJournal journal;
    private final VersionCatalog catalog;

    public OpsResource(Refresher refresher, OpsJournal journal, VersionCatalog catalog) {
        this.refresher = refresher;
        this.journal = journal;
        this.catalog = catalog;
    }

    @GET
    public Ops ops() {
        OpsJournal.Snapshot s = journal.snapshot();
        return new Ops(refresher.status(), s.runs(), catalog.versions(), s.announcements(), s.index());
    }
}
