package dev.gatun.bindings;

import java.util.List;

/**
 * Whether a GPU can be used, and why not.
 *
 * @param available at least one device is usable
 * @param deviceCount devices the runtime reports (0 when unavailable)
 * @param reason why not (empty when available), with the library's own error text
 * @param libraries one line per library, as in {@link CudaLibraries#describe()}
 */
public record GpuAvailability(boolean available, int deviceCount, String reason, List<String> libraries) {}
