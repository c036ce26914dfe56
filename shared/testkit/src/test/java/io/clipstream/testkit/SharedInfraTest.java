package io.clipstream.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.clipstream.testkit.quarkus.ClipStreamInfraResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nothing else in this test JVM calls {@link Infra#shared()}, so the properties set here decide what it returns. */
class SharedInfraTest {

    @Test
    void sharedInstanceComesFromWhatAnotherClassLoaderPublished() {
        // What Infra.shared() publishes after starting; here nothing is started.
        System.setProperty("testkit.io.clipstream.shared.mode", "EMBEDDED");
        System.setProperty("testkit.io.clipstream.shared.s3.endpoint", "http://127.0.0.1:1");
        System.setProperty("testkit.io.clipstream.shared.s3.access-key", "ak");
        System.setProperty("testkit.io.clipstream.shared.s3.secret-key", "sk");
        System.setProperty("testkit.io.clipstream.shared.s3.region", "us-east-1");
        System.setProperty("testkit.io.clipstream.shared.kafka", "127.0.0.1:2");

        Infra infra = Infra.shared();
        assertSame(infra, Infra.shared());
        assertEquals("127.0.0.1:2", infra.kafkaBootstrapServers());
        infra.close(); // no effect on the shared instance
        assertSame(infra, Infra.shared());

        ClipStreamInfraResource resource = new ClipStreamInfraResource();
        Map<String, String> config = resource.start();
        assertEquals("127.0.0.1:2", config.get("kafka.bootstrap.servers"));
        assertEquals("127.0.0.1:2", config.get("quarkus.kafka-streams.bootstrap-servers"));
        assertEquals("http://127.0.0.1:1", config.get("clipstream.storage.endpoint"));
        assertEquals("ak", config.get("clipstream.storage.access-key"));
        assertEquals("sk", config.get("clipstream.storage.secret-key"));
        assertEquals("us-east-1", config.get("clipstream.storage.region"));
        assertEquals("false", config.get("quarkus.devservices.enabled"));
        resource.stop();
    }
}
