package dev.bountymarket;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.bountymarket.local.LocalStack;
import io.quarkus.runtime.Application;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point. With {@code -Dlocal-stack=<dir>} (what the run command passes) it first brings up whatever the user
 * has not configured, a database and a local chain, keeping their data in that directory, and stops them after the
 * server has stopped.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        String home = System.getProperty("local-stack");
        if (home == null) {
            Quarkus.run(args);
            return;
        }
        LocalStack stack = new LocalStack(Path.of(home));
        try {
            stack.start();
        } catch (LocalStack.BadSetting e) {
            // One plain line before logging is set up: this is the message the user acts on.
            System.err.println("Cannot start: " + e.getMessage());
            stack.close();
            System.exit(1);
        }
        CountDownLatch serverStopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Ctrl-C: let the server finish with the database and chain before they go away.
            try {
                serverStopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stack.close();
        }, "local-stack-shutdown"));
        int[] exitCode = {0};
        Quarkus.run(Server.class, (code, failure) -> exitCode[0] = code, args);
        // On Ctrl-C, Quarkus's own shutdown hook stops the application while run() returns here at once: wait until it
        // has stopped (its shutdown observers release the leader leases through the database) before the stack goes.
        Application application = Server.application;
        if (application != null) {
            application.stop();
        }
        serverStopped.countDown();
        stack.close();
        System.exit(exitCode[0]);
    }

    /** Runs until asked to stop. */
    public static class Server implements QuarkusApplication {
        static volatile Application application;

        @Override
        public int run(String... args) {
            application = Application.currentApplication();
            Quarkus.waitForExit();
            return 0;
        }
    }
}
