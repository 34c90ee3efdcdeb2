package dev.gatun.bindings;

/** An MPI function returned an error code; the message carries MPI's own error string. */
public final class MpiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String function;
    private final int code;

    /**
     * @param function the MPI function that failed
     * @param code its return code
     * @param text MPI's error string for the code
     */
    public MpiException(String function, int code, String text) {
        super(function + " failed with MPI error " + code + ": " + text);
        this.function = function;
        this.code = code;
    }

    /** {@return the MPI function that failed} */
    public String function() {
        return function;
    }

    /** {@return the MPI error code} */
    public int code() {
        return code;
    }
}
