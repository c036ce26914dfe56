package io.clipstream.refresh.api;

import io.clipstream.refresh.reindex.Refresher;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/index}: the champion, the live index and a build in progress (what the search page shows). */
@Path("/v1/index")
@Produces(MediaType.APPLICATION_JSON)
public class IndexResource {
    private final Refresher refresher;

    public IndexResource(Refresher refresher) {
        this.refresher = refresher;
    }

    @GET
    public Refresher.Status status() {
        return refresher.status();
    }
}
