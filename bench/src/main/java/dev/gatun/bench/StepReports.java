package dev.gatun.bench;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

/**
 * The Gatun side of {@code bench/pytorch/paired.py}: runs a step forever and prints, after every
 * step, the monotonic clock in nanoseconds and the units done so far ({@code "<ns> <units>"}).
 * paired.py stops and resumes this process and PyTorch's in turns of a few seconds and times each
 * turn from these lines.
 */
final class StepReports {
    private StepReports() {}

    /** Runs {@code step} forever, each run counting {@code unitsPerStep}. */
    static void forever(Runnable step, long unitsPerStep) {
        // System.nanoTime is CLOCK_MONOTONIC on Linux, the clock of Python's time.monotonic_ns.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        long units = 0;
        while (true) {
            step.run();
            units += unitsPerStep;
            out.println(System.nanoTime() + " " + units);
            out.flush();
        }
    }
}
