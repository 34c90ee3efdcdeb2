#include <immintrin.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#define KERNEL(NAME, MR, NV) __attribute__((noinline)) void NAME(int kc, const float* ap, const float* bp, float* out) { \
  __m512 c[MR*NV]; for (int i = 0; i < MR*NV; i++) c[i] = _mm512_setzero_ps(); \
  for (int p = 0; p < kc; p++) { __m512 b[NV]; for (int v = 0; v < NV; v++) b[v] = _mm512_loadu_ps(bp + 16*NV*p + 16*v); \
    for (int r = 0; r < MR; r++) { __m512 a = _mm512_set1_ps(ap[MR*p + r]); for (int v = 0; v < NV; v++) c[NV*r+v] = _mm512_fmadd_ps(a, b[v], c[NV*r+v]); } } \
  __m512 s = c[0]; for (int i = 1; i < MR*NV; i++) s = _mm512_add_ps(s, c[i]); _mm512_storeu_ps(out, s); }
KERNEL(k8x2, 8, 2)
KERNEL(k4x4, 4, 4)
KERNEL(k8x3, 8, 3)
KERNEL(k12x2, 12, 2)
KERNEL(k6x4, 6, 4)
typedef void (*kf)(int, const float*, const float*, float*);
int main() {
  int kc = 256; float* ap = aligned_alloc(64, 4*16*kc); float* bp = aligned_alloc(64, 4*64*kc); float out[16];
  for (int i = 0; i < 16*kc; i++) ap[i] = (i%7)*0.01f; for (int i = 0; i < 64*kc; i++) bp[i] = (i%5)*0.01f;
  kf f[] = {k8x2, k4x4, k8x3, k12x2, k6x4}; int mr[] = {8,4,8,12,6}, nv[] = {2,4,3,2,4}; const char* nm[] = {"8x32","4x64","8x48","12x32","6x64"};
  for (int round = 0; round < 3; round++) for (int j = 0; j < 5; j++) {
    struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0); int n = 100000;
    for (int i = 0; i < n; i++) f[j](kc, ap, bp, out);
    clock_gettime(CLOCK_MONOTONIC, &t1); double s = (t1.tv_sec - t0.tv_sec) + 1e-9*(t1.tv_nsec - t0.tv_nsec);
    if (round == 2) printf("%s: %.1f GFLOP/s\n", nm[j], 2.0*mr[j]*16*nv[j]*kc*n/s*1e-9);
  }
}
