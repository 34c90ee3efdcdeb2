package dev.gatun.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's {@code pretrained/} and {@code configs/pretrained/} folders, from a module's folder or the root. */
final class PretrainedFolders {
    private PretrainedFolders() {}

    /** {@return the folder of the pre-trained model {@code name}} */
    static Path model(String name) {
        return root().resolve("pretrained").resolve(name);
    }

    /** {@return the config file {@code configs/pretrained/<name>.yaml}} */
    static Path config(String name) {
        return root().resolve("configs").resolve("pretrained").resolve(name + ".yaml");
    }

    /** {@return the repository's root: tests run in the module's folder} */
    static Path root() {
        return Files.isDirectory(Path.of("..", "pretrained")) ? Path.of("..") : Path.of(".");
    }
}
