package dev.gatun.config;

/**
 * A config that cannot be used, with the path of the offending value and the problem:
 * {@code model.layers[2].units: must be > 0}. The message is exactly {@code path + ": " + problem}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Where the problem is, e.g. {@code model.layers[2].units}. */
    private final String path;
    /** What is wrong, e.g. {@code must be > 0}. */
    private final String problem;

    /**
     * A problem with the value at {@code path} ({@code optimizer.lr}, {@code model.layers[0]}).
     *
     * @param path the config path of the value, e.g. {@code optimizer.lr}
     * @param problem what is wrong with it
     */
    public ConfigException(String path, String problem) {
        super(path + ": " + problem);
        this.path = path;
        this.problem = problem;
    }

    /**
     * Like {@link #ConfigException(String, String)}, keeping the exception that revealed the problem.
     *
     * @param path the config path of the value, e.g. {@code optimizer.lr}
     * @param problem what is wrong with it
     * @param cause the exception that revealed the problem
     */
    public ConfigException(String path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
        this.problem = problem;
    }

    /** {@return where the problem is, e.g. {@code model.layers[2].units}} */
    public String path() {
        return path;
    }

    /** {@return what is wrong, e.g. {@code must be > 0}} */
    public String problem() {
        return problem;
    }
}
