# --- GPU groundwork (included by the main Makefile) ------------------------------------------
#
# make ptx         compile cuda/src/main/cuda/*.cu to the committed PTX under
#                  cuda/src/main/resources/dev/gatun/cuda/ptx/ (needs nvcc; CUDA 13 here)
# make gpu-runner  dist/gpu-runner/: a jlinked Java, the project and test jars, the JUnit console
#                  and the JMH benchmarks, to run the tests and benchmarks on a CUDA machine
#                  without Java (see scripts/gpu-runner)

.PHONY: ptx gpu-runner

NVCC ?= $(CUDA_HOME)/bin/nvcc
# The one place these flags are written; PtxSourcesTest reads them from here to recompile the
# sources and compare with the committed PTX. compute_80: PTX the driver JIT-compiles for Ampere
# and anything newer. -fmad=false: no contraction of a*b+c into fused multiply-adds, so every
# product and sum rounds as in the Java kernels (nvcc's default IEEE sqrt and division do the rest)
# and the device results match the CPU's bit for bit.
PTX_FLAGS := -ptx -arch=compute_80 -fmad=false
CUDA_SRC := cuda/src/main/cuda
PTX_DIR := cuda/src/main/resources/dev/gatun/cuda/ptx
PTX_FILES := $(patsubst $(CUDA_SRC)/%.cu,$(PTX_DIR)/%.ptx,$(wildcard $(CUDA_SRC)/*.cu))

ptx: $(PTX_FILES)

# The first line records the command; the comment lines nvcc writes before .version (its build
# and version) are ignored by the staleness test, so a newer nvcc alone does not fail the build.
# Every .cu also depends on the shared headers (*.cuh), which are included, not compiled alone:
# coarse, but a header change then never leaves a stale PTX behind.
$(PTX_DIR)/%.ptx: $(CUDA_SRC)/%.cu $(wildcard $(CUDA_SRC)/*.cuh) make/gpu.mk
	@command -v $(NVCC) >/dev/null || { echo "nvcc not found at $(NVCC): set CUDA_HOME or NVCC"; exit 1; }
	@mkdir -p $(@D)
	$(NVCC) $(PTX_FLAGS) -o $@.tmp $<
	@{ echo "// make ptx: nvcc $(PTX_FLAGS) $(notdir $<)"; cat $@.tmp; } > $@ && rm -f $@.tmp

# JUnit console version matching the JUnit BOM (junit.version 5.x.y pairs with platform 1.x.y).
JUNIT_PLATFORM_VERSION := $(shell sed -n 's:.*<junit.version>5\.\([0-9.]*\)</junit.version>.*:1.\1:p' pom.xml)
GPU_RUNNER_DIR ?= dist/gpu-runner
# 67 MB is 64 MiB, what the device tool carries to a GPU machine.
GPU_RUNNER_MAX_MB ?= 67

gpu-runner:
	JAVA_HOME=$(JAVA_HOME) MVN="$(MVN)" JUNIT_PLATFORM_VERSION=$(JUNIT_PLATFORM_VERSION) \
	  GPU_RUNNER_DIR=$(GPU_RUNNER_DIR) GPU_RUNNER_MAX_MB=$(GPU_RUNNER_MAX_MB) scripts/gpu-runner
