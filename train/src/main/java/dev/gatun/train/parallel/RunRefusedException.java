package dev.gatun.train.parallel;

/**
 * Every rank of a data-parallel run refuses it alike, before the first step (the ranks disagree
 * on the config or the data, or there are more ranks than examples per step): each rank can stop
 * cleanly, and only rank 0 needs to say why.
 */
public final class RunRefusedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * The refusal.
     *
     * @param message what is wrong and what to do
     */
    public RunRefusedException(String message) {
        super(message);
    }
}
