package io.clipstream.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.clipstream.clip.lora.LoraConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClipEncoderTest {

    private static Path adapter;

    @BeforeAll
    static void adapterThatChangesOutputs() throws Exception {
        adapter = Files.createTempDirectory("encoder-adapter");
        try (ClipModel m = ClipModel.load(TinyModels.dir(), Device.cpu())) {
            m.addAdapter(LoraConfig.attention(4, 8f), 3);
            m.lora().randomiseB(11, 0.2f);
            m.saveAdapter(adapter);
        }
    }

    @Test
    void embedsAsTheModelWithItsAdapterDoes() throws Exception {
        List<BufferedImage> images = TinyModels.images(5, 40, 1);
        float[][] texts;
        float[][] pixels;
        float[][] baseTexts;
        try (ClipModel m = ClipModel.load(TinyModels.dir(), Device.cpu())) {
            baseTexts = m.encodeTexts(TinyModels.CAPTIONS);
            m.loadAdapter(adapter);
            texts = m.encodeTexts(TinyModels.CAPTIONS);
            pixels = m.encodeImages(images);
        }
        try (ClipEncoder e = ClipEncoder.open(TinyModels.dir(), adapter, Device.cpu(), "v1", 4)) {
            assertThat(e.version()).isEqualTo("v1");
            assertThat(e.dimension()).isEqualTo(texts[0].length);
            assertThat(TinyModels.maxAbsDiff(e.encodeTexts(TinyModels.CAPTIONS), texts))
                    .isLessThan(1e-4);
            assertThat(TinyModels.maxAbsDiff(e.encodeImages(images), pixels)).isLessThan(1e-4);
            assertThat(TinyModels.maxAbsDiff(e.encodeTexts(TinyModels.CAPTIONS), baseTexts))
                    .as("the adapter is applied")
                    .isGreaterThan(1e-3);
        }
        try (ClipEncoder base = ClipEncoder.open(TinyModels.dir(), null, Device.cpu(), "base", 4)) {
            assertThat(TinyModels.maxAbsDiff(base.encodeTexts(TinyModels.CAPTIONS), baseTexts))
                    .isLessThan(1e-5);
        }
    }

    @Test
    void manyThreadsAtOnceGetWhatOneThreadGets() throws Exception {
        List<BufferedImage> images = TinyModels.images(6, 32, 2);
        try (ClipEncoder e = ClipEncoder.open(TinyModels.dir(), adapter, Device.cpu(), "v1", 2);
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            float[][] texts = e.encodeTexts(TinyModels.CAPTIONS);
            float[][] pixels = e.encodeImages(images);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Double>> diffs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                boolean text = t % 2 == 0;
                diffs.add(pool.submit(() -> {
                    start.await();
                    double worst = 0;
                    for (int round = 0; round < 10; round++) {
                        worst = Math.max(
                                worst,
                                text
                                        ? TinyModels.maxAbsDiff(e.encodeTexts(TinyModels.CAPTIONS), texts)
                                        : TinyModels.maxAbsDiff(e.encodeImages(images), pixels));
                    }
                    return worst;
                }));
            }
            start.countDown();
            for (Future<Double> d : diffs) {
                assertThat(d.get(2, TimeUnit.MINUTES)).isLessThan(1e-5);
            }
        }
    }

    @Test
    void closeWaitsForCallsInFlightAndLaterCallsFailClearly() throws Exception {
        ClipEncoder e = ClipEncoder.open(TinyModels.dir(), adapter, Device.cpu(), "v7", 1);
        List<BufferedImage> many = TinyModels.images(256, 32, 3);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<float[][]> inFlight = pool.submit(() -> e.encodeImages(many));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (e.callsInFlight() == 0 && !inFlight.isDone() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(e.callsInFlight()).as("the call is running").isEqualTo(1);
            e.close();
            assertThat(inFlight.get(2, TimeUnit.MINUTES))
                    .as("the call in flight completes")
                    .hasNumberOfRows(256);
        }
        assertThatThrownBy(() -> e.encodeTexts(List.of("a coat")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("v7");
        e.close();
    }
}
