/*
 * The CPU's fp32 FMA peak in C: the ceiling the JMH FmaPeakBenchmark approaches from Java.
 * Built with -mavx512f it times 512-bit FMAs, with -mavx2 -mfma 256-bit ones. 12 independent
 * accumulators per thread cover the FMA latency (4 cycles) times two FMA ports with room to
 * spare, and still fit AVX2's 16 registers; the sum is printed so nothing is dropped.
 *
 *   gcc -O2 -mavx512f -fopenmp bench/native/fma_peak.c -o /tmp/fma_peak      (AVX-512 hosts)
 *   gcc -O2 -mavx2 -mfma -fopenmp bench/native/fma_peak.c -o /tmp/fma_peak   (AVX2 hosts)
 *   OMP_NUM_THREADS=1 /tmp/fma_peak; OMP_NUM_THREADS=2 /tmp/fma_peak
 *
 * Prints the vector width and GFLOP/s (each FMA lane counts 2 flops) for three rounds of
 * 400M FMAs per thread.
 */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMADD _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#elif defined(__AVX2__) && defined(__FMA__)
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMADD _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#else
#error "build with -mavx512f, or with -mavx2 -mfma"
#endif

#define CHAINS 12

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
            vec acc[CHAINS];
            const vec x = SET1(1.0000001f), y = SET1(1e-7f);
            for (int i = 0; i < CHAINS; i++) {
                acc[i] = SET1((float) i);
            }
            for (long k = 0; k < steps; k++) {
#pragma GCC unroll 16
                for (int i = 0; i < CHAINS; i++) {
                    acc[i] = FMADD(acc[i], x, y);
                }
            }
            vec s = acc[0];
            for (int i = 1; i < CHAINS; i++) {
                s = ADD(s, acc[i]);
            }
            float lanes[LANES];
            STORE(lanes, s);
            for (int i = 0; i < LANES; i++) {
                sink += lanes[i];
            }
        }
        double seconds = now() - t0;
        double gflops = (double) steps * CHAINS * LANES * 2 * omp_get_max_threads() / seconds / 1e9;
        printf("%d-bit, %d threads: %.1f GFLOP/s (checksum %g)\n", LANES * 32, omp_get_max_threads(),
               gflops, sink);
    }
    return 0;
}
