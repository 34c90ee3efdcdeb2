package dev.gatun.cli;

import dev.gatun.tensor.MemoryBudget;

/**
 * The one line a failed command prints: the exception's message, or for the errors that carry
 * none worth reading (out of memory, stack overflow) what ran out, where, and the limits in force.
 */
final class FailureLine {
    private FailureLine() {}

    /** One line describing {@code e}, without a stack trace. */
    static String of(Throwable e) {
        String line = switch (e) {
            case OutOfMemoryError oom -> "out of memory" + detail(oom) + where(oom) + ": the Java heap is limited to "
                    + MemoryBudget.format(Runtime.getRuntime().maxMemory()) + " (-Xmx) and Gatun's memory budget is "
                    + budget() + " (--max-memory); lower the sizes asked for, or raise the limits";
            case StackOverflowError soe -> "stack overflow" + where(soe) + ": the calls nest deeper than the thread's"
                    + " stack allows (-Xss sets its size)";
            case ExceptionInInitializerError init when init.getCause() != null -> of(init.getCause());
            default -> message(e);
        };
        return line.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String detail(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "" : " (" + m + ")";
    }

    /** The budget, or why it cannot be read (a malformed -Dgatun.maxMemory). */
    private static String budget() {
        try {
            return MemoryBudget.format(MemoryBudget.limit());
        } catch (RuntimeException | LinkageError e) {
            return "unreadable (" + message(e) + ")";
        }
    }

    /** " in LSTM.<init>": the innermost frame of Gatun's own code outside this command line, if any. */
    private static String where(Throwable e) {
        for (StackTraceElement f : e.getStackTrace()) {
            String c = f.getClassName();
            if (c.startsWith("dev.gatun.") && !c.startsWith("dev.gatun.cli.")) {
                return " in " + c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName();
            }
        }
        return "";
    }
}
