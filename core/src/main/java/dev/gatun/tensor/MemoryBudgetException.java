package dev.gatun.tensor;

/**
 * An allocation, or a size read from a file or a config, over the {@link MemoryBudget} (or a
 * device's budget): thrown before any of it is allocated, with what needed it, the size, what was
 * already held and the budget in one line.
 */
public final class MemoryBudgetException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** What needed the memory. */
    private final String what;
    /** The bytes asked for; negative when the size overflowed. */
    private final long requested;
    /** The bytes already held when the request came. */
    private final long held;
    /** The budget at the time, in bytes. */
    private final long limit;
    /** Which budget, for the message. */
    private final String budget;
    /** How a user sets that budget, for the message. */
    private final String setting;

    /**
     * An over-budget request.
     *
     * @param what what needs the memory
     * @param requested the bytes it needs; negative when more than a long holds
     * @param limit the budget
     */
    public MemoryBudgetException(String what, long requested, long limit) {
        this(what, requested, 0, limit, "the memory budget", "--max-memory or -D" + MemoryBudget.PROPERTY);
    }

    /**
     * {@code what} needs {@code requested} bytes on top of {@code held} already held, against a budget of
     * {@code limit} bytes.
     *
     * @param what what needs the memory
     * @param requested the bytes it needs; negative when more than a long holds
     * @param held the bytes already held; 0 for a size checked before anything was built
     * @param limit the budget, in bytes
     * @param budget which budget, for the message: "the memory budget", "cuda:0's memory budget"
     * @param setting how a user sets that budget, for the message: "--max-memory or -Dgatun.maxMemory"
     */
    public MemoryBudgetException(String what, long requested, long held, long limit, String budget, String setting) {
        super(what + " needs " + MemoryBudget.format(requested)
                + (held > 0 ? " on top of " + MemoryBudget.format(held) + " already held" : "") + ", over " + budget
                + " of " + MemoryBudget.format(limit) + " (set it with " + setting + ")");
        this.what = what;
        this.requested = requested;
        this.held = held;
        this.limit = limit;
        this.budget = budget;
        this.setting = setting;
    }

    /**
     * The same refusal, saying what needed the memory in other words (a tensor's dtype and shape, say).
     *
     * @param newWhat what needed the memory, as the message should name it
     * @return a new exception with this one's sizes, budget and stack trace
     */
    public MemoryBudgetException about(String newWhat) {
        MemoryBudgetException e = new MemoryBudgetException(newWhat, requested, held, limit, budget, setting);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** {@return what needed the memory} */
    public String what() {
        return what;
    }

    /** {@return the bytes asked for; negative when the size overflowed} */
    public long requested() {
        return requested;
    }

    /** {@return the bytes already held when the request came (0 for a size checked before anything was built)} */
    public long held() {
        return held;
    }

    /** {@return the budget at the time, in bytes} */
    public long limit() {
        return limit;
    }
}
