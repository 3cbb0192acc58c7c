package dev.bountymarket;

import java.time.Duration;

import io.quarkus.logging.Log;

/**
 * A task run over and over on its own daemon thread, a pause between runs, until stopped: the indexer's polls and
 * the keeper's rounds. A run that throws is logged and the next one comes as usual.
 */
public final class Repeating {

    private final Thread thread;
    private volatile boolean running = true;

    private Repeating(String name, Duration pause, Runnable task) {
        thread = new Thread(() -> {
            while (running) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    Log.warnf("%s: %s", name, e.getMessage());
                }
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
    }

    public static Repeating start(String name, Duration pause, Runnable task) {
        Repeating repeating = new Repeating(name, pause, task);
        repeating.thread.start();
        return repeating;
    }

    public void stop() {
        running = false;
        thread.interrupt();
    }
}
