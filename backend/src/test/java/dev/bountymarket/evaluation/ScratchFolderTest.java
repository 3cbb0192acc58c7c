package dev.bountymarket.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed mid-job (SIGKILL, the OOM killer) cannot delete its scratch folder, which may hold a hidden test set
 * in the clear. The next sweep must delete it, and must never delete a folder a live process (this one or another)
 * still works in.
 */
class ScratchFolderTest {

    @TempDir
    Path tmp;

    @Test
    void sweep_deletesTheFolderOfAKilledProcessButNotOfALiveOne() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Holder.class.getName())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            Path held = Path.of(out.readLine());
            assertTrue(Files.exists(held.resolve("test-set/test-set.csv")), "the child wrote its decrypted test set");

            assertEquals(0, ScratchFolder.sweep(tmp), "a live process's folder is left alone");
            assertTrue(Files.exists(held.resolve("test-set/test-set.csv")));

            holder.destroyForcibly().waitFor();
            assertEquals(1, ScratchFolder.sweep(tmp), "the killed process's folder is swept");
            assertFalse(Files.exists(held), "nothing of the decrypted test set is left");
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void sweep_leavesThisProcesssOwnFolderAndCloseDeletesIt() throws Exception {
        String before = System.getProperty("java.io.tmpdir");
        ScratchFolder work;
        System.setProperty("java.io.tmpdir", tmp.toString());
        try {
            work = ScratchFolder.create("eval-1");
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
        Path file = Files.writeString(work.folder("test-set").resolve("test-set.csv"), "label\n1\n");
        Path dir = file.getParent().getParent();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)),
                "readable by this user only");

        assertEquals(0, ScratchFolder.sweep(tmp));
        assertTrue(Files.exists(file));

        work.close();
        assertFalse(Files.exists(dir));
        assertEquals(List.of(), Files.list(tmp).toList());
    }

    /** A worker in the middle of a job: its scratch folder holds a decrypted test set; it prints the folder and waits. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            ScratchFolder work = ScratchFolder.create("eval-7");
            Files.writeString(work.folder("test-set").resolve("test-set.csv"), "feature_1,label\n0.5,yes\n");
            System.out.println(work.resolve(ScratchFolder.LOCK).getParent());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
