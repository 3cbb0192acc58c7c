package dev.bountymarket.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a dependency (the chain node, the database) that can freeze: while frozen it keeps accepting
 * connections and reading what clients send, but forwards nothing either way, as a node that hangs does. Thawed, what
 * it held flows on.
 *
 * <p>Frozen or not is a JVM-wide system property named after the proxy, not a field: the test resource that starts
 * the proxy and the test that freezes it may see this class through different class loaders.
 */
public final class FreezingProxy implements AutoCloseable {

    private final String name;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private FreezingProxy(String name, String targetHost, int targetPort) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thaw(name);
        Thread acceptor = new Thread(() -> accept(targetHost, targetPort), name + "-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a proxy to {@code targetHost:targetPort}, thawed, on a free local port. */
    public static FreezingProxy start(String name, String targetHost, int targetPort) {
        try {
            return new FreezingProxy(name, targetHost, targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public static void freeze(String name) {
        System.setProperty(property(name), "true");
    }

    public static void thaw(String name) {
        System.setProperty(property(name), "false");
    }

    private static String property(String name) {
        return "test.freezing-proxy." + name + ".frozen";
    }

    private boolean frozen() {
        return Boolean.getBoolean(property(name));
    }

    private void accept(String targetHost, int targetPort) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(target);
                pump(client, target);
                pump(target, client);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    while (frozen()) {
                        Thread.sleep(20);
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException | InterruptedException closed) {
                // one side went away: so does the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name + "-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        thaw(name);
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        sockets.forEach(FreezingProxy::closeQuietly);
    }
}
