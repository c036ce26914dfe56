package io.clipstream.curator;

import io.clipstream.curator.config.CuratorConfig;
import io.clipstream.curator.config.StorageSettings;
import io.clipstream.curator.curation.PairInspector;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.curator.store.CuratedObjectWriter;
import io.clipstream.curator.store.S3ImageSource;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Wires the plain classes into CDI. */
public class CuratorBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    ObjectStore objectStore(StorageSettings s) {
        return ObjectStore.connect(new StorageConfig(s.endpoint(), s.accessKey(), s.secretKey(), s.region(),
                s.bucket(), s.timeout(), s.maxAttempts()));
    }

    void closeObjectStore(@Disposes ObjectStore store) {
        store.close();
    }

    @Produces
    @Singleton
    PairInspector pairInspector(CuratorConfig config, ObjectStore store, Clock clock) {
        return new PairInspector(config.qualityProfiles(), new S3ImageSource(store), clock);
    }

    @Produces
    @Singleton
    CuratedObjectWriter curatedObjectWriter(ObjectStore store, CuratorMetrics metrics) {
        return new CuratedObjectWriter(store, metrics);
    }
}
