package dev.gatun.bindings;

/**
 * No usable GPU: no driver (cudaErrorInsufficientDriver), no device (cudaErrorNoDevice), zero
 * devices, or a library that could not be opened. Catch it to fall back to the CPU backend.
 */
public final class NoGpuException extends CudaException {
    private static final long serialVersionUID = 1L;

    public NoGpuException(String library, String function, int code, String text) {
        super(library, function, code, text);
    }

    @Override
    public String getMessage() {
        return "no GPU: " + super.getMessage();
    }
}
