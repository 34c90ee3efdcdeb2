package dev.gatun.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The committed seed corpus of a fuzz test: the folder Jazzer reads in regression mode and
 * writes its findings to, {@code src/test/resources/<package>/<Class>Inputs/<method>/} of the
 * module (the working directory under Maven).
 *
 * <p>The valid seeds are files Gatun's own writers make; each fuzz test class builds them and checks
 * that its reader accepts them. {@code make fuzz-seeds} sets {@value #WRITE_PROPERTY}, and those
 * tests then also write them here, for committing.
 */
public final class SeedCorpus {
    /** The system property that makes the fuzz tests write their valid seeds into the source tree. */
    public static final String WRITE_PROPERTY = "gatun.fuzz.writeSeeds";

    private SeedCorpus() {}

    /** The seed folder of {@code testClass}'s fuzz test {@code method}, in the module's source tree. */
    public static Path folder(Class<?> testClass, String method) {
        return Path.of("src", "test", "resources").resolve(testClass.getPackageName().replace('.', '/'))
                .resolve(testClass.getSimpleName() + "Inputs").resolve(method);
    }

    /** The seeds of a fuzz test, file name to content; made only when they are to be written. */
    @FunctionalInterface
    public interface Seeds {
        Map<String, byte[]> make() throws IOException;
    }

    /** Writes the {@code seeds} into {@link #folder} when {@value #WRITE_PROPERTY} is set. */
    public static void writeIfAsked(Class<?> testClass, String method, Seeds seeds) throws IOException {
        if (!Boolean.getBoolean(WRITE_PROPERTY)) {
            return;
        }
        Path folder = folder(testClass, method);
        Files.createDirectories(folder);
        for (Map.Entry<String, byte[]> s : seeds.make().entrySet()) {
            Files.write(folder.resolve(s.getKey()), s.getValue());
        }
    }
}
