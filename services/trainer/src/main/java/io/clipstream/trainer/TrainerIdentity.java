package io.clipstream.trainer;

import java.net.InetAddress;
import java.util.UUID;

/** Names this trainer process in the run lock: host, pid and a random part (a restarted process is another owner). */
final class TrainerIdentity {
    private TrainerIdentity() {}

    static String create() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
    }
}
