package dev.cync.canary.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one way every state file reaches the disk (flags, audit log, rollout state, SLO windows,
 * admin token, marker), so that each has the same guarantees:
 *
 * <ul>
 *   <li>{@link #replace}: write a temporary file beside the target, force it to disk, rename it
 *       over the target (atomic on POSIX), force the directory. A crash at any instant leaves the
 *       old content or the new, never a mix or an empty file;
 *   <li>{@link #append}: append and force, for the append-only audit log.
 * </ul>
 *
 * <p>Callers hold a {@link Writer}, {@link #DISK} in production, so tests can put a disk that
 * fails (full, read-only) under any state file without root tricks.
 */
public final class DurableFiles {

    /** How a state file's bytes reach the disk. */
    public interface Writer {
        /** Replaces {@code file} with {@code bytes} atomically and durably. */
        void replace(Path file, byte[] bytes) throws IOException;

        /** Appends {@code bytes} to {@code file} (creating it) and forces them to disk. */
        void append(Path file, byte[] bytes) throws IOException;
    }

    /** The real disk. */
    public static final Writer DISK = new Writer() {
        @Override
        public void replace(Path file, byte[] bytes) throws IOException {
            DurableFiles.replace(file, bytes);
        }

        @Override
        public void append(Path file, byte[] bytes) throws IOException {
            DurableFiles.append(file, bytes);
        }
    };

    private DurableFiles() {}

    public static void replace(Path file, byte[] bytes) throws IOException {
        write(file, bytes, false);
    }

    /** {@link #replace} for secrets (the admin token, a private key): the file is readable by its owner only, from its first byte. */
    public static void replaceOwnerOnly(Path file, byte[] bytes) throws IOException {
        write(file, bytes, true);
    }

    private static void write(Path file, byte[] bytes, boolean ownerOnly) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        if (ownerOnly) {
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
        }
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file);
    }

    public static void append(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    private static void forceDirectory(Path file) {
        try (FileChannel d = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is still atomic there.
        }
    }
}
