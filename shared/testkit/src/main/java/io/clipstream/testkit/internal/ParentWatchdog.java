package io.clipstream.testkit.internal;

import java.util.Optional;

/**
 * Java agent loaded into every {@code ChildJvm}: exits the child when the JVM that started it is gone,
 * so a parent killed with SIGKILL leaves no orphan brokers behind. Uses JDK classes only, because
 * it is copied alone into a throw-away agent jar.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {}

    public static void premain(String parentPid) {
        Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(parentPid.trim()));
        if (parent.isEmpty()) {
            exit();
            return;
        }
        parent.get().onExit().thenRun(ParentWatchdog::exit);
    }

    private static void exit() {
        Thread exiter = new Thread(
                () -> {
                    System.err.println("clipstream-testkit: parent JVM is gone, exiting");
                    System.exit(143);
                },
                "clipstream-parent-gone");
        exiter.setDaemon(true);
        exiter.start();
        // If shutdown hooks hang, do not linger as an orphan.
        Thread halter = new Thread(
                () -> {
                    try {
                        Thread.sleep(15_000);
                    } catch (InterruptedException ignored) {
                        // fall through
                    }
                    Runtime.getRuntime().halt(143);
                },
                "clipstream-parent-gone-halt");
        halter.setDaemon(true);
        halter.start();
    }
}
