package dev.bountymarket.evaluation;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.bountymarket.process.ProcessConfig;
import dev.bountymarket.process.ProcessRoles;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;


/**
 * The worker threads of this process: each leases a job, runs it, and looks again; idle, it waits a poll interval.
 * Several processes (this server, evaluator-only machines) can share the queue; the database decides who runs what.
 */
@ApplicationScoped
public class EvaluationWorkers {

    @Inject
    EvaluationConfig config;

    @Inject
    EvaluationRunner runner;

    @Inject
    ProcessRoles roles;

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    void start(@Observes StartupEvent startup) {
        // What a process killed mid-job left behind (a decrypted test set, perhaps) goes before any new job starts.
        ScratchFolder.sweep();
        if (config.workers() <= 0 || !roles.has(ProcessConfig.Role.WORKER)) {
            return;
        }
        running = true;
        String process = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < config.workers(); i++) {
            String owner = process + "/" + i;
            Thread thread = new Thread(() -> loop(owner), "evaluation-worker-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        Log.infof("Evaluation: %d worker(s) on the queue", config.workers());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        threads.forEach(Thread::interrupt);
        // An evaluation cut short here is leased again by whoever runs next; its child JVM must not outlive us. The
        // children are this server's java (and bubblewrap) descendants; their command lines are too long to match on.
        ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java") || c.endsWith("/bwrap")).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    private void loop(String owner) {
        while (running) {
            try {
                if (!runner.workOnce(owner)) {
                    Thread.sleep(config.pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The database went away, most likely: the lease (if any) expires and the job is taken again.
                Log.warnf("Evaluation worker %s: %s", owner, e.getMessage());
                try {
                    Thread.sleep(config.pollInterval().toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }
}
