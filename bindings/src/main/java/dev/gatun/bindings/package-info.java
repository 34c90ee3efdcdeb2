/**
 * FFM bindings to the CUDA runtime and driver, cuBLAS and cuDNN.
 *
 * <p>The generated part (jextract output, never edited by hand) and the hand-written loader that
 * opens the libraries from explicit paths and turns status codes into exceptions arrive with the
 * GPU backend. Until then this module is empty, so the dependency direction
 * (bindings, kernels → runtime → bench, samples) is already in place.
 */
package dev.gatun.bindings;
