package dev.gatun.cli;

import dev.gatun.backend.BackendRegistry;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * The registered backends' names in alphabetical order, for {@code --backend}'s help and completion:
 * read from {@link BackendRegistry}, so a backend added there is offered without touching the CLI.
 */
final class BackendNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return new TreeSet<>(BackendRegistry.names()).iterator();
    }
}
