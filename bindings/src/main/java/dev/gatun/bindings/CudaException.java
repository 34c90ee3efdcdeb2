package dev.gatun.bindings;

/** A CUDA, cuBLAS or cuDNN call returned an error status. */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String library;
    private final String function;
    private final int code;
    private final String text;

    /**
     * @param library the library, e.g. {@code libcublas.so.13}
     * @param function the function that failed, e.g. {@code cublasCreate_v2}
     * @param code its status code (-1 when the library could not be opened)
     * @param text the library's own text for the status, e.g. {@code CUBLAS_STATUS_NOT_INITIALIZED}
     */
    public CudaException(String library, String function, int code, String text) {
        super(function + " failed in " + library + ": " + text + " (status " + code + ")");
        this.library = library;
        this.function = function;
        this.code = code;
        this.text = text;
    }

    public String library() {
        return library;
    }

    public String function() {
        return function;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }
}
