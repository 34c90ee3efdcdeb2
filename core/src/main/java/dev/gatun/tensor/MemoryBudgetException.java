package dev.gatun.tensor;

/**
 * An allocation, or a size read from a file or a config, over the {@link MemoryBudget}: thrown
 * before any of it is allocated, with what needed it, the size and the budget in one line.
 */
public final class MemoryBudgetException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The bytes asked for; negative when the size overflowed. */
    private final long requested;
    /** The budget at the time. */
    private final long limit;

    /**
     * An over-budget request.
     *
     * @param what what needs the memory
     * @param requested the bytes it needs; negative when more than a long holds
     * @param limit the budget
     */
    public MemoryBudgetException(String what, long requested, long limit) {
        super(what + " needs " + MemoryBudget.format(requested) + ", over the memory budget of "
                + MemoryBudget.format(limit) + " (set it with --max-memory or -D" + MemoryBudget.PROPERTY + ")");
        this.requested = requested;
        this.limit = limit;
    }

    /** {@return the bytes asked for; negative when the size overflowed} */
    public long requested() {
        return requested;
    }

    /** {@return the budget at the time} */
    public long limit() {
        return limit;
    }
}
