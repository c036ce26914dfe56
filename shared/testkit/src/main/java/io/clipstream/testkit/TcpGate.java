package io.clipstream.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of a real server that a test can put in one of three modes: open
 * (forwarding), shut (every connection dropped, new ones closed at once: a server that refuses
 * connections) and black hole (connections accepted, bytes swallowed, nothing ever answered: a
 * server that hangs). An outage of the real server without stopping it.
 */
public final class TcpGate implements AutoCloseable {
    private enum Mode {
        OPEN,
        SHUT,
        BLACK_HOLE
    }

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.OPEN;

    public TcpGate(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("tcp-gate").start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Drops every connection and closes new ones at once. */
    public void shut() {
        mode = Mode.SHUT;
        dropAll();
    }

    /** Accepts connections and swallows what clients send; answers nothing, closes nothing. */
    public void blackHole() {
        mode = Mode.BLACK_HOLE;
    }

    public void open() {
        Mode was = mode;
        mode = Mode.OPEN;
        if (was == Mode.BLACK_HOLE) {
            dropAll(); // the hung connections: clients reconnect
        }
    }

    private void dropAll() {
        sockets.forEach(TcpGate::closeQuietly);
        sockets.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            switch (mode) {
                case SHUT -> closeQuietly(client);
                case BLACK_HOLE -> {
                    sockets.add(client);
                    Thread.ofVirtual().start(() -> swallow(client));
                }
                case OPEN -> forward(client);
            }
        }
    }

    private void forward(Socket client) {
        try {
            Socket upstream = new Socket(targetHost, targetPort);
            sockets.add(client);
            sockets.add(upstream);
            Thread.ofVirtual().start(() -> pipe(client, upstream));
            Thread.ofVirtual().start(() -> pipe(upstream, client));
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void swallow(Socket client) {
        byte[] buffer = new byte[8192];
        try (InputStream in = client.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // closed by open() or the client
        } finally {
            sockets.remove(client);
        }
    }

    /** Copies until one side closes; in black-hole mode, bytes in flight are swallowed, not passed on. */
    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (mode == Mode.OPEN) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException ignored) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        shut();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
