package dev.gatun.config;

import dev.gatun.io.OneLine;
import java.util.List;

/**
 * A config that cannot be used, with the path of the offending value and the problem:
 * {@code model.layers[2].units: must be > 0}. The message is exactly {@code path + ": " + problem},
 * preceded by the file and {@code ": "} once {@link #in} has named the file it was found in.
 *
 * <p>One exception may carry several problems found in one reading ({@link #of}): its message then
 * lists them all, {@code N problems: path: problem; path: problem...}, and {@link #path()} and
 * {@link #problem()} are the first one's.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The file the config came from, or null when it is not known. */
    private final String source;
    /** Where the problem is, e.g. {@code model.layers[2].units}. */
    private final String path;
    /** What is wrong, e.g. {@code must be > 0}. */
    private final String problem;
    /** Every problem this exception reports; just this one unless made by {@link #of}. */
    private final transient List<ConfigException> problems;

    /**
     * A problem with the value at {@code path} ({@code optimizer.lr}, {@code model.layers[0]}).
     *
     * @param path the config path of the value, e.g. {@code optimizer.lr}
     * @param problem what is wrong with it
     */
    public ConfigException(String path, String problem) {
        this(null, path, problem, null);
    }

    /**
     * Like {@link #ConfigException(String, String)}, keeping the exception that revealed the problem.
     *
     * @param path the config path of the value, e.g. {@code optimizer.lr}
     * @param problem what is wrong with it
     * @param cause the exception that revealed the problem
     */
    public ConfigException(String path, String problem, Throwable cause) {
        this(null, path, problem, cause);
    }

    private ConfigException(String source, String path, String problem, Throwable cause) {
        // A config's keys and values are quoted in messages as written: one line whatever they hold.
        super(OneLine.of((source == null ? "" : source + ": ") + path + ": " + problem), cause);
        this.source = source;
        this.path = path;
        this.problem = problem;
        this.problems = List.of(this);
    }

    private ConfigException(String source, List<ConfigException> problems) {
        super(OneLine.of((source == null ? "" : source + ": ") + problems.size() + " problems: "
                + String.join("; ", problems.stream().map(p -> p.path() + ": " + p.problem()).toList())),
                problems.getFirst());
        this.source = source;
        this.path = problems.getFirst().path();
        this.problem = problems.getFirst().problem();
        this.problems = List.copyOf(problems);
    }

    /**
     * The problems found in one reading as one exception: the problem itself when there is one,
     * else one whose message lists them all, each with its path.
     *
     * @param problems the problems, in the order they were found; at least one
     * @return the exception to throw
     */
    public static ConfigException of(List<ConfigException> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no config problems to report");
        }
        return problems.size() == 1 ? problems.getFirst() : new ConfigException(null, problems);
    }

    /**
     * This problem as found in the file {@code source}, which the message then names first; this
     * exception itself when it already names a file, or its path is that file.
     *
     * @param source the file the config was read from
     * @return an exception naming {@code source}, with this one as its cause, or this one
     */
    public ConfigException in(String source) {
        if (this.source != null || (problems.size() == 1 && path.equals(source))) {
            return this;
        }
        return problems.size() == 1 ? new ConfigException(source, path, problem, this)
                : new ConfigException(source, problems);
    }

    /** {@return the file the problem was found in, or null when not known} */
    public String source() {
        return source;
    }

    /** {@return where the problem is, e.g. {@code model.layers[2].units}} */
    public String path() {
        return path;
    }

    /** {@return what is wrong, e.g. {@code must be > 0}} */
    public String problem() {
        return problem;
    }

    /** {@return every problem this exception reports, in the order found: just itself for one} */
    public List<ConfigException> problems() {
        return problems == null ? List.of(this) : problems;
    }
}
