package io.clipstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipstream.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium (Debian's {@code chromium}, or the one {@code CLIPSTREAM_CHROMIUM} names) driven over the
 * Chrome DevTools Protocol: open a page, run JavaScript in it, wait for a condition, take a screenshot. Page tests
 * use it to load a service's web page, act as a user would, and check what the page shows.
 */
public final class HeadlessBrowser implements AutoCloseable {
    private final Process process;
    private final Path profile;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private HeadlessBrowser(Process process, Path profile, int port) {
        this.process = process;
        this.profile = profile;
        this.port = port;
    }

    /**
     * The browser executable: {@code CLIPSTREAM_CHROMIUM}, else {@code chromium} or {@code chromium-browser} on the
     * PATH.
     */
    public static Path executable() {
        String env = System.getenv("CLIPSTREAM_CHROMIUM");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new IllegalStateException("no chromium on the PATH: install Debian's chromium (apt-get install chromium) "
                + "or set CLIPSTREAM_CHROMIUM");
    }

    public static HeadlessBrowser start(int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("clipstream-chromium");
        Process p = new ProcessBuilder(
                        executable().toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--no-first-run",
                        "--hide-scrollbars",
                        "--window-size=" + width + "," + height,
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "--user-data-dir=" + profile,
                        "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        Path activePort = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(activePort) || Files.readAllLines(activePort).isEmpty()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted", e);
            }
        }
        return new HeadlessBrowser(
                p,
                profile,
                Integer.parseInt(Files.readAllLines(activePort).get(0).strip()));
    }

    /** Opens {@code url} in a new tab. */
    public Page open(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/new?"
                                + URLEncoder.encode(url, StandardCharsets.UTF_8)))
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("could not open a tab: " + r.statusCode() + " " + r.body());
        }
        String ws = Json.mapper().readTree(r.body()).get("webSocketDebuggerUrl").asText();
        Page page = new Page();
        try {
            page.socket =
                    http.newWebSocketBuilder().buildAsync(URI.create(ws), page).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("could not connect to the tab: " + e.getMessage(), e);
        }
        page.call("Page.enable", Map.of());
        page.call("Runtime.enable", Map.of());
        return page;
    }

    /** One tab, spoken to over its DevTools WebSocket. */
    public static final class Page implements WebSocket.Listener, AutoCloseable {
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode msg = Json.mapper().readTree(partial.toString());
                    if (msg.has("id")) {
                        CompletableFuture<JsonNode> f =
                                pending.remove(msg.get("id").asInt());
                        if (f != null) {
                            if (msg.has("error")) {
                                f.completeExceptionally(new IOException("DevTools: " + msg.get("error")));
                            } else {
                                f.complete(msg.get("result"));
                            }
                        }
                    }
                } catch (IOException e) {
                    // not JSON: ignore the message
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        /** Sends a DevTools command and waits for its result. */
        public JsonNode call(String method, Map<String, Object> params) throws IOException {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(id, f);
            ObjectNode msg = Json.mapper().createObjectNode().put("id", id).put("method", method);
            msg.set("params", Json.mapper().valueToTree(params));
            socket.sendText(msg.toString(), true);
            try {
                return f.get(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (Exception e) {
                throw new IOException(method + " failed: " + e.getMessage(), e);
            }
        }

        /** Evaluates {@code expression} in the page (promises awaited) and returns its value as JSON. */
        public JsonNode evaluate(String expression) throws IOException {
            JsonNode r = call(
                    "Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true, "returnByValue", true));
            if (r.has("exceptionDetails")) {
                throw new IOException("script failed: " + r.get("exceptionDetails"));
            }
            return r.path("result").path("value");
        }

        /** Waits until {@code expression} is true in the page; while the page loads, a script error counts as false. */
        public void awaitTrue(String expression, Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "false";
            for (; ; ) {
                try {
                    if (evaluate(expression).asBoolean(false)) {
                        return;
                    }
                    last = "false";
                } catch (IOException e) {
                    last = e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("not true within " + timeout + " (" + last + "): " + expression);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }

        /** A PNG of the viewport. */
        public byte[] screenshot() throws IOException {
            return Base64.getDecoder()
                    .decode(call("Page.captureScreenshot", Map.of("format", "png"))
                            .get("data")
                            .asText());
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            }
        }
    }

    /**
     * Stops Chromium and every process it started (renderers, the crash handler: they write into the profile after
     * the browser process has gone), then deletes the profile.
     */
    @Override
    public void close() {
        List<ProcessHandle> family =
                new java.util.ArrayList<>(process.descendants().toList());
        family.add(process.toHandle());
        family.forEach(ProcessHandle::destroy);
        try {
            for (ProcessHandle p : family) {
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    p.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            family.forEach(ProcessHandle::destroyForcibly);
        }
        ChildJvm.deleteRecursively(profile);
    }
}
