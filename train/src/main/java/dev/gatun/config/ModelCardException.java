package dev.gatun.config;

import dev.gatun.io.OneLine;

/**
 * A {@code model.json} (or the card saved in a checkpoint) that cannot be used: not UTF-8 or
 * JSON, a field missing, mistyped or out of range, or a card that does not fit its network. The
 * message is {@code source: field: problem}, e.g.
 * {@code runs/x/model.json: class_names: 2 names for a network that outputs [3] per example}.
 */
public final class ModelCardException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The file the card was read from. */
    private final String source;
    /** The field at fault; empty when the card as a whole is. */
    private final String field;
    /** What is wrong with it. */
    private final String problem;

    /**
     * A problem with {@code field} ({@code input[1]}, {@code preprocessing[0]}; empty for the whole card) of
     * {@code source}.
     *
     * @param source the file the card was read from
     * @param field the field at fault, e.g. {@code class_names}; empty when the card as a whole is
     * @param problem what is wrong with it
     */
    public ModelCardException(String source, String field, String problem) {
        this(source, field, problem, null);
    }

    /**
     * Like {@link #ModelCardException(String, String, String)}, keeping the exception that revealed the problem.
     *
     * @param source the file the card was read from
     * @param field the field at fault, e.g. {@code class_names}; empty when the card as a whole is
     * @param problem what is wrong with it
     * @param cause the exception that revealed the problem
     */
    public ModelCardException(String source, String field, String problem, Throwable cause) {
        // Keys and values from the file are quoted as written: one line whatever they hold.
        super(OneLine.of(source + ": " + (field.isEmpty() ? "" : field + ": ") + problem), cause);
        this.source = source;
        this.field = field;
        this.problem = problem;
    }

    /** {@return the file the card was read from} */
    public String source() {
        return source;
    }

    /** {@return the field at fault, e.g. {@code class_names}; empty when the card as a whole is} */
    public String field() {
        return field;
    }

    /** {@return what is wrong with it} */
    public String problem() {
        return problem;
    }
}
