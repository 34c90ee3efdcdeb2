package dev.gatun.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The problems found while reading one config, so that all of them are reported at once rather
 * than one per try. A value that is wrong is recorded here and reading goes on with its default;
 * only the first problem at a path is kept, since what follows from a bad value at the same place
 * says nothing new.
 */
final class ConfigProblems {
    private final List<ConfigException> found = new ArrayList<>();
    private final Set<String> paths = new HashSet<>();

    /** Records {@code e} unless a problem at its path is already recorded. */
    void add(ConfigException e) {
        for (ConfigException one : e.problems()) {
            if (paths.add(one.path())) {
                found.add(one);
            }
        }
    }

    /** Whether any problem was recorded. */
    boolean any() {
        return !found.isEmpty();
    }

    /** Throws the problems recorded, if any: the one, or all of them in the order they were found. */
    void throwIfAny() {
        if (any()) {
            throw ConfigException.of(found);
        }
    }
}
