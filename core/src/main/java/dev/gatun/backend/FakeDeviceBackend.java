package dev.gatun.backend;

import dev.gatun.device.DeviceRuntimes;
import dev.gatun.device.HostKernelQueue;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.tensor.internal.TensorInternals;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The backend of the {@link Device#fake() fake device}: every op checks that all its tensors are
 * on the fake device, as the CUDA backend checks its own, then runs the CPU backend on host views
 * of them. It checks placement only: CUDA's float32-only and rank limits are not imitated. It
 * lets the suite run models, trainers and checkpoints "on a device" without a GPU, so that a
 * host read of device memory, a tensor left on the host, or an output made on the wrong
 * device fails here as it would on CUDA. A proxy wraps every method of {@link Backend}, so a new
 * op is covered without code here. Every op returning nothing is a kernel, queued on the device's {@link
 * HostKernelQueue}, so that a graph capture records it.
 */
final class FakeDeviceBackend {
    private FakeDeviceBackend() {}

    static Backend create(Device fake) {
        Backend cpu = BackendRegistry.create(BackendRegistry.defaultName());
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "fake";
                    case "description" -> "fake (host memory treated as device memory, CPU kernels; for tests)";
                    case "device" -> fake;
                    case "toString" -> "FakeDeviceBackend";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "copy" -> copy(cpu, fake, (Tensor) args[0], (Tensor) args[1]);
                    // The CPU's recurrence reads host memory; the default steps through this proxy's ops.
                    case "fusedRecurrence" -> InvocationHandler.invokeDefault(proxy, method, args);
                    // As on CUDA, autocast rounds with the default: two casts, kernels on this device.
                    case "roundToHalf", "roundToHalfUnchecked" -> InvocationHandler.invokeDefault(proxy, method, args);
                    // Takes CUDA's autocast path for GEMMs: real 16-bit operands, widened by the CPU's gemm.
                    case "hasNativeHalfGemm" -> true;
                    default -> op(cpu, fake, method, unwrap(method.getName(), fake, args));
                });
    }

    private static Object op(Backend cpu, Device fake, Method method, Object[] hostArgs) throws Throwable {
        if (method.getReturnType() != void.class) {
            return invoke(cpu, method, hostArgs);
        }
        return enqueue(fake, method.getName(), () -> run(cpu, method, hostArgs));
    }

    // Kernels go through the device's queue so that a graph capture records them instead of running them.
    private static Object enqueue(Device fake, String op, Runnable kernel) {
        ((HostKernelQueue) DeviceRuntimes.of(fake)).enqueue(op, kernel);
        return null;
    }

    private static void run(Backend cpu, Method method, Object[] hostArgs) {
        try {
            invoke(cpu, method, hostArgs);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(method.getName() + " failed on the fake device", e);
        }
    }

    private static Object copy(Backend cpu, Device fake, Tensor src, Tensor dst) {
        if (!src.device().equals(dst.device())) {
            try (Scope s = Scope.open("copy across devices")) {
                Tensor here = src.detach().to(dst.device());
                BackendRegistry.of(dst).copy(here, dst);
            }
            return null;
        }
        Tensor hostSrc = host(fake, "copy", src);
        Tensor hostDst = host(fake, "copy", dst);
        return enqueue(fake, "copy", () -> cpu.copy(hostSrc, hostDst));
    }

    private static Object[] unwrap(String op, Device fake, Object[] args) {
        if (args == null) {
            return null;
        }
        Object[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof Tensor t) {
                out[i] = host(fake, op, t);
            }
        }
        return out;
    }

    private static Tensor host(Device fake, String op, Tensor t) {
        if (!t.device().equals(fake)) {
            throw new IllegalArgumentException(op + ": tensor " + t.describe() + " is on " + t.device()
                    + " but the fake backend runs on " + fake + "; move it with to(Device.fake())");
        }
        return TensorInternals.deviceHostView(t);
    }

    private static Object invoke(Backend cpu, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(cpu, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
