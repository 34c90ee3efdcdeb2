package dev.gatun.tensor;

/**
 * An allocation, or a size read from a file or a config, over the {@link MemoryBudget}: thrown
 * before any of it is allocated, with what needed it, the size and the budget in one line.
 */
public final class MemoryBudgetException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final long requested;
    private final long limit;

    /** {@code what} needs {@code requested} bytes (negative: more than a long holds) against {@code limit}. */
    public MemoryBudgetException(String what, long requested, long limit) {
        super(what + " needs " + MemoryBudget.format(requested) + ", over the memory budget of "
                + MemoryBudget.format(limit) + " (set it with --max-memory or -D" + MemoryBudget.PROPERTY + ")");
        this.requested = requested;
        this.limit = limit;
    }

    /** The bytes asked for; negative when the size overflowed. */
    public long requested() {
        return requested;
    }

    /** The budget at the time. */
    public long limit() {
        return limit;
    }
}
