/*
 * The CPU's fp32 FMA peak with AVX-512, in C: the ceiling the JMH FmaPeakBenchmark approaches
 * from Java. 16 independent accumulators per thread cover the FMA latency (4 cycles) times the
 * two 512-bit FMA ports with room to spare; the sum is printed so nothing is dropped.
 *
 *   gcc -O2 -mavx512f -fopenmp bench/native/fma_peak.c -o /tmp/fma_peak
 *   OMP_NUM_THREADS=1 /tmp/fma_peak; OMP_NUM_THREADS=2 /tmp/fma_peak
 *
 * Prints GFLOP/s (each FMA lane counts 2 flops) for three rounds of 400M FMAs per thread.
 */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <time.h>

#define CHAINS 16

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    const long steps = 400000000L / CHAINS;
    for (int round = 0; round < 3; round++) {
        float sink = 0;
        double t0 = now();
#pragma omp parallel reduction(+ : sink)
        {
            __m512 acc[CHAINS];
            const __m512 x = _mm512_set1_ps(1.0000001f), y = _mm512_set1_ps(1e-7f);
            for (int i = 0; i < CHAINS; i++) {
                acc[i] = _mm512_set1_ps((float) i);
            }
            for (long k = 0; k < steps; k++) {
#pragma GCC unroll 16
                for (int i = 0; i < CHAINS; i++) {
                    acc[i] = _mm512_fmadd_ps(acc[i], x, y);
                }
            }
            __m512 s = acc[0];
            for (int i = 1; i < CHAINS; i++) {
                s = _mm512_add_ps(s, acc[i]);
            }
            sink += _mm512_reduce_add_ps(s);
        }
        double seconds = now() - t0;
        double gflops = steps * CHAINS * 16.0 * 2 * omp_get_max_threads() / seconds / 1e9;
        printf("%d threads: %.1f GFLOP/s (checksum %g)\n", omp_get_max_threads(), gflops, sink);
    }
    return 0;
}
