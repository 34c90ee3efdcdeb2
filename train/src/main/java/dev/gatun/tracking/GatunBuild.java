package dev.gatun.tracking;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The Gatun a run trained with: its version (from the build) and, when Gatun runs from a git
 * checkout, that checkout's commit.
 *
 * @param version the version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param commitOrNull the commit, with {@code -dirty} when the checkout has changes; null when unknown
 */
public record GatunBuild(String version, String commitOrNull) {
    private static final GatunBuild CURRENT = new GatunBuild(readVersion(), readCommit());

    /** {@return this process's Gatun, found once} */
    public static GatunBuild current() {
        return CURRENT;
    }

    private static String readVersion() {
        try (InputStream in = GatunBuild.class.getResourceAsStream("gatun-build.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // Unknown, then: the record says so rather than failing a run.
        }
        return "unknown";
    }

    /** The commit of the checkout the classes were loaded from, if they were loaded from one. */
    private static String readCommit() {
        try {
            CodeSource source = GatunBuild.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path dir = Path.of(source.getLocation().toURI()).toAbsolutePath();
            while (dir != null && !Files.exists(dir.resolve(".git"))) {
                dir = dir.getParent();
            }
            if (dir == null) {
                return null;
            }
            Process p = new ProcessBuilder("git", "-C", dir.toString(), "describe", "--always", "--dirty", "--abbrev=40")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() ? out : null;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
