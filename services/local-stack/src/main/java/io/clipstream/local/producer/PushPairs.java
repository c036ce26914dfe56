package io.clipstream.local.producer;

import io.clipstream.datasets.FashionMnist;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The producer CLI: pushes a folder of image + caption files, or a Fashion-MNIST slice, through the
 * ingest gateway.
 *
 * <pre>
 * PushPairs --gateway http://localhost:8080 --api-key KEY --fashion-mnist 5000 [--domain fashion]
 * PushPairs --gateway http://localhost:8080 --api-key KEY --folder ./pictures [--domain photos]
 * </pre>
 * The API key may also come from {@code CLIPSTREAM_API_KEY}.
 */
public final class PushPairs {
    public static final int DEFAULT_BATCH = 100;

    public static void main(String[] args) throws Exception {
        URI gateway = URI.create("http://localhost:8080");
        String apiKey = System.getenv("CLIPSTREAM_API_KEY");
        String folder = null;
        int fashion = 0;
        String domain = "fashion";
        int batch = DEFAULT_BATCH;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> gateway = URI.create(args[++i]);
                case "--api-key" -> apiKey = args[++i];
                case "--folder" -> folder = args[++i];
                case "--fashion-mnist" -> fashion = Integer.parseInt(args[++i]);
                case "--domain" -> domain = args[++i];
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (apiKey == null || apiKey.isBlank()) {
            usage("no API key: pass --api-key or set CLIPSTREAM_API_KEY");
        }
        if ((folder == null) == (fashion <= 0)) {
            usage("give exactly one of --folder DIR or --fashion-mnist N");
        }
        List<DemoPair> pairs = folder != null
                ? PairSources.folder(Path.of(folder), domain)
                : PairSources.fashionMnist(FashionMnist.defaultDir(), fashion, domain);
        push(new GatewayClient(gateway, apiKey), pairs, batch);
    }

    /** Pushes in batches and prints progress about ten times; returns the number pushed. */
    public static int push(GatewayClient client, List<DemoPair> pairs, int batchSize) throws Exception {
        long start = System.nanoTime();
        int every = Math.max(batchSize, pairs.size() / 10);
        int pushed = 0;
        int nextReport = every;
        for (int from = 0; from < pairs.size(); from += batchSize) {
            List<DemoPair> batch = pairs.subList(from, Math.min(pairs.size(), from + batchSize));
            client.pushBatch(batch);
            pushed += batch.size();
            if (pushed >= nextReport || pushed == pairs.size()) {
                double s = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        "pushed %,d / %,d pairs (%.0f pairs/s)%n", pushed, pairs.size(), pushed / Math.max(s, 1e-9));
                nextReport += every;
            }
        }
        return pushed;
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println(
                "usage: PushPairs --gateway URL --api-key KEY (--folder DIR | --fashion-mnist N) [--domain D] "
                        + "[--batch N]");
        System.exit(2);
    }

    private PushPairs() {}
}
