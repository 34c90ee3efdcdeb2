package dev.gatun.train.metrics;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Why a file operation failed, as the short phrase a message ends with: "could not save the
 * checkpoint of epoch 1 in runs/x: <b>no space left on device</b>". The JDK reports the system's
 * reason ("No space left on device", "Read-only file system") in an {@link IOException}'s message
 * or a {@link FileSystemException}'s reason, but gives some subclasses no reason at all; those
 * get the system's usual wording.
 */
public final class IoReason {
    private IoReason() {}

    /**
     * The reason {@code e} reports, starting in lower case, without the file it names.
     *
     * @param e the failure
     * @return the reason, e.g. "no space left on device"
     */
    public static String of(IOException e) {
        String reason = switch (e) {
            case FileSystemException f when f.getReason() != null -> f.getReason();
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or directory";
            case FileAlreadyExistsException x -> "file exists";
            case NotDirectoryException n -> "not a directory";
            case DirectoryNotEmptyException d -> "directory not empty";
            default -> e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                    : e.getMessage();
        };
        reason = reason.strip().replaceAll("\\s+", " ");
        // "Read-only file system" reads "read-only file system" mid-sentence; "IOException" stays.
        return reason.length() > 1 && Character.isUpperCase(reason.charAt(0)) && Character.isLowerCase(reason.charAt(1))
                ? reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1) : reason;
    }
}
