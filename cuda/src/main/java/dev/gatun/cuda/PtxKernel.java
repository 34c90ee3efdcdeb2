package dev.gatun.cuda;

import java.util.List;

/**
 * One kernel entry in a committed PTX file: where it is, its name, and its parameters in order,
 * which {@link PtxModule#launch} checks arguments against.
 *
 * @param file the PTX file's base name under {@code dev/gatun/cuda/ptx/}, also the .cu source's
 * @param entry the {@code extern "C"} kernel name, the PTX {@code .entry}
 * @param params the parameters, as documentation and for argument checks
 */
public record PtxKernel(String file, String entry, List<Param> params) {
    /** A kernel parameter's type as the launcher passes it. */
    public enum Type {
        /** A device address ({@code float*}, {@code int*}): a long or a {@link dev.gatun.device.DeviceBlock}. */
        POINTER(".u64"),
        /** {@code long long}: a long. */
        I64(".u64"),
        /** {@code int}, also used for flags: an int or a boolean. */
        I32(".u32"),
        /** {@code float}: a float. */
        F32(".f32"),
        /** {@code double}: a double. */
        F64(".f64");

        private final String ptxType;

        Type(String ptxType) {
            this.ptxType = ptxType;
        }

        /** {@return how nvcc declares the parameter in PTX, e.g. {@code .u64}} */
        public String ptxType() {
            return ptxType;
        }
    }

    /**
     * One parameter: its name in the .cu source and its type.
     *
     * @param name the parameter's name in the .cu source
     * @param type how the launcher passes the argument
     */
    public record Param(String name, Type type) {}

    /** Copies {@code params} so the record stays immutable. */
    public PtxKernel {
        params = List.copyOf(params);
    }

    /** {@return the class-path resource path of the PTX file} */
    public String resource() {
        return PtxKernels.RESOURCE_DIR + file + ".ptx";
    }
}
