package io.clipstream.local;

import io.clipstream.contracts.Json;
import io.clipstream.testkit.HeadlessBrowser;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The running stack's page in a headless Chromium: the Operations tab once it lists the loop's runs and versions,
 * and the search tab answering a text query with images; both saved as PNGs.
 */
final class PageShots {
    /** What the operations view showed: its rows of runs and versions. */
    record Seen(int runs, int versions, Path ops, Path search) {}

    private PageShots() {}

    static Seen take(URI refresh, String searchKey, String query, int runs, int versions, Path dir)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path ops = dir.resolve("ops-page.png");
        Path search = dir.resolve("search-page.png");
        int runRows;
        int versionRows;
        try (HeadlessBrowser browser = HeadlessBrowser.start(1400, 1100);
                HeadlessBrowser.Page page = browser.open(refresh + "/#key=" + searchKey + "&view=ops")) {
            page.awaitTrue(
                    "document.querySelectorAll('#runs tbody tr').length >= " + runs
                            + " && document.querySelectorAll('#versions tbody tr').length >= " + versions,
                    Duration.ofSeconds(30));
            runRows = page.evaluate("document.querySelectorAll('#runs tbody tr').length")
                    .asInt();
            versionRows = page.evaluate("document.querySelectorAll('#versions tbody tr').length")
                    .asInt();
            Files.write(ops, page.screenshot());
            page.evaluate("document.getElementById('tab-search').click(); document.getElementById('q').value = "
                    + Json.mapper().writeValueAsString(query)
                    + "; document.getElementById('search').requestSubmit(); true");
            page.awaitTrue(
                    "(() => { const imgs = [...document.querySelectorAll('#results li.result img')];"
                            + " return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0); })()",
                    Duration.ofSeconds(30));
            Files.write(search, page.screenshot());
        }
        return new Seen(runRows, versionRows, ops, search);
    }
}
