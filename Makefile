# Gatun: `make run` trains the default sample, `make test` runs every test.
# Both work on a fresh machine: they find a JDK themselves and fetch what they need.

SAMPLE ?= mlp
ARGS ?=
DATA_DIR ?= /usr/share/datasets/fashion-mnist

JAVA_HOME := $(shell scripts/find-jdk)
ifeq ($(JAVA_HOME),)
$(error no suitable JDK found: see the message above)
endif
export JAVA_HOME
JAVA := $(JAVA_HOME)/bin/java
# Maven itself may run on JDK 17 here; this only quiets its sun.misc.Unsafe notices on 25.
export MAVEN_OPTS ?= --sun-misc-unsafe-memory-access=allow
MVN := mvn -B -ntp
# Tensors live off-heap, so the Java heap holds little, but the Vector API's warm-up (before C2
# compiles the kernels) allocates a box per vector op: G1 grew the heap to 1.2 GB of that garbage
# in a CNN epoch. A 32 MB young generation under the serial collector keeps the whole process at
# 0.55 GB (PyTorch: 0.81 GB) for about 1% of the time in pauses (bench/results, memory).
GC_FLAGS := -XX:+UseSerialGC -Xmn32m
# On 2 cores the JVM makes one C1 and one C2 compiler thread, and the first epoch waits for that
# one C2 thread to compile the Vector API kernels; a second C2 thread shortened it (bench/results,
# the first epoch's JIT warm-up). More cores get more compiler threads by themselves.
JIT_FLAGS := $(if $(filter 2,$(shell nproc 2>/dev/null)),-XX:CICompilerCount=3,)
JVM_FLAGS := --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED $(GC_FLAGS) $(JIT_FLAGS)
SAMPLES_JAR := samples/target/gatun-samples.jar
BENCH_JAR := bench/target/gatun-benchmarks.jar

.PHONY: run test build browser postgresql mpi nccl-libs studio bench bench-studio bench-full bench-report bench-compare data clean help cuda-libs bindings pretrained

help:
	@echo "make run  [SAMPLE=mlp|cnn|lstm|sequence] [ARGS='--epochs N --batch B --lr X --backend cpu|scalar|cuda --data DIR --seed S --limit N']"
	@echo "make test                 all unit, kernel, gradient and end-to-end tests"
	@echo "make fuzz [FUZZ_SECONDS=60]  fuzz every reader (safetensors, IDX, CSV, images, configs, model.json, checkpoints, ONNX import) with Jazzer"
	@echo "make embedding-sample     samples/embedding (Gatun as a library) tested on a fresh run; make test runs it after mvn install"
	@echo "make build; bin/gatun train configs/spirals.yaml   train, eval, predict, compare models from YAML/JSON configs"
	@echo "make studio [ARGS='--port N']   Gatun Studio: the live dashboard and playground in the browser"
	@echo "make pretrained           retrain pretrained/ (spirals and Fashion-MNIST MLP, CNN, LSTM) bit for bit, in minutes"
	@echo "make bench [BENCH=regex]  JMH quick profile (<10 min) + report into bench/results/<machine>-<date>/"
	@echo "make bench-full           every benchmark and size; make bench-report DIR=..., make bench-compare BEFORE=... AFTER=..."
	@echo "make cuda-libs            NVIDIA wheels (CUDA runtime, cuBLAS, cuDNN) into $(NVIDIA_PIP), for the bindings tests"
	@echo "make nccl-libs            the NCCL wheel (nvidia-nccl-cu13) into $(NCCL_PIP), for the NCCL bindings tests"
	@echo "make bindings             regenerate the jextract bindings (needs jextract on PATH)"
	@echo "make ptx                  recompile the CUDA C kernels to the committed PTX (needs nvcc)"
	@echo "make gpu-runner           dist/gpu-runner: jlinked Java + jars (<60 MB) to run tests/benchmarks on a GPU machine without Java"
	@echo "JDK: $(JAVA_HOME)"

build:
	$(MVN) -DskipTests package

run: data build
	$(JAVA) $(JVM_FLAGS) -jar $(SAMPLES_JAR) $(SAMPLE) $(ARGS)

# install, not only verify: the embedding sample is a separate Maven project that builds against
# the installed artifacts. verify also builds the API modules' Javadoc, failing on any warning.
test: data browser postgresql mpi cuda-libs-if-possible
	$(MVN) $(MVN_REPO_ARGS) install
	$(MAKE) --no-print-directory embedding-sample

# Studio's UI tests drive Debian's headless Chromium through its chromedriver (never a downloaded
# one): installed with apt when we are root and they are missing.
browser:
	@if command -v chromium >/dev/null && [ -x /usr/bin/chromedriver ]; then \
	  exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Chromium for Studio's browser tests (apt-get install chromium chromium-driver)"; \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 || \
	   (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)) || \
	   echo "warning: could not install chromium and chromium-driver"; \
	else \
	  echo "Studio's browser tests need Chromium: 'sudo apt-get install chromium chromium-driver'"; \
	fi

# The tracking store's PostgreSQL tests start a throwaway cluster with initdb/pg_ctl (from PATH or
# /usr/lib/postgresql/*/bin): Debian's postgresql is installed with apt when we are root and it is
# missing. initdb refuses to run as root, so as root the tests run the cluster as the package's
# postgres user (runuser -u postgres).
postgresql:
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing PostgreSQL for the tracking store's tests (apt-get install postgresql)"; \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || \
	   (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql)) || \
	   echo "warning: could not install postgresql"; \
	else \
	  echo "the tracking store's PostgreSQL tests need initdb and pg_ctl: 'sudo apt-get install postgresql'"; \
	fi

# The pre-trained models of pretrained/, from configs/pretrained/, bit for bit (scripts/pretrained):
# make pretrained [PRETRAINED='spirals-mlp fashion-mlp'] [PRETRAINED_DIR=/tmp/p to compare with sha256sum]
pretrained: data build
	PRETRAINED_DIR='$(PRETRAINED_DIR)' PRETRAINED='$(PRETRAINED)' scripts/pretrained

# Gatun Studio after a build: make studio [ARGS='--port 8123 --workspace DIR']
studio: build
	bin/gatun studio $(ARGS)

# Installs Fashion-MNIST where Debian packages it, when we are root with apt. Otherwise says how
# to get it; the samples then stop with the same advice and the data tests skip with a reason.
data:
	@if [ -n "$$GATUN_DATA" ] || ls $(DATA_DIR)/t10k-labels-idx1-ubyte* >/dev/null 2>&1; then \
	  exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Fashion-MNIST (apt-get install dataset-fashion-mnist)"; \
	  (apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 || \
	   (apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist)) || \
	   echo "warning: could not install dataset-fashion-mnist"; \
	else \
	  echo "Fashion-MNIST is not in $(DATA_DIR). Install it with 'sudo apt-get install dataset-fashion-mnist',"; \
	  echo "or download train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and"; \
	  echo "t10k-labels-idx1-ubyte (plain or .gz) into a folder and pass ARGS='--data DIR' (or set GATUN_DATA=DIR)."; \
	fi

# JMH into bench/results/<machine>-<date>/: jmh.json, jmh.txt, machine.json, report.md and PNG plots.
# `make bench` is the quick profile (under 10 minutes on 2 cores); `make bench-full` runs every
# benchmark at every size with longer iterations. BENCH=regex narrows either one. The quick profile
# leaves out the ResNets' training steps (seconds to minutes a step on 2 cores; scripts/gpu-bench-resnet
# measures them on a GPU).
BENCH_QUICK := Benchmark
BENCH_QUICK_OPTS := -f 1 -wi 2 -w 1s -i 3 -r 500ms -p shape=64,128,512,1024,128x784x256,64x3136x10-tB,64x128x512-tB -p n=1024 \
  -p size=65536,1048576 -p hidden=128 -e 'TrainStepBenchmark\.resnet'
BENCH_FULL_OPTS := -f 1 -wi 5 -w 2s -i 5 -r 2s
BENCH_ENV = JAVA=$(JAVA) BENCH_JAR=$(BENCH_JAR) JVM_FLAGS='$(JVM_FLAGS)'
bench: build
	$(BENCH_ENV) scripts/bench '$(or $(BENCH),$(BENCH_QUICK))' $(BENCH_QUICK_OPTS)

# What Studio's live view costs training (README: Gatun Studio): alternating turns, medians; then
# a browser's cost to one playground run in adjacent paired windows.
bench-studio: build
	$(JAVA) $(JVM_FLAGS) -cp $(BENCH_JAR) dev.gatun.bench.StudioOverhead $(or $(TURNS),5)
	$(JAVA) $(JVM_FLAGS) -cp $(BENCH_JAR) dev.gatun.bench.StudioPagePairs $(or $(PAIRS),30) 3

bench-full: build
	$(BENCH_ENV) scripts/bench '$(or $(BENCH),.*)' $(BENCH_FULL_OPTS)

# Rebuilds a folder's report from its saved jmh.json (no benchmark reruns): make bench-report DIR=...
bench-report: build
	$(JAVA) $(JVM_FLAGS) -cp $(BENCH_JAR) dev.gatun.bench.report.Report render $(DIR)

# Before/after of two result folders, into AFTER/compare.md: make bench-compare BEFORE=... AFTER=...
bench-compare: build
	$(JAVA) $(JVM_FLAGS) -cp $(BENCH_JAR) dev.gatun.bench.report.Report compare $(BEFORE) $(AFTER)

clean:
	$(MVN) -q clean

# --- CUDA bindings -------------------------------------------------------------------------
# NVIDIA wheels (CUDA runtime 13, cuBLAS 13, cuDNN 9) in pip layout: NVIDIA_PIP/nvidia/<pkg>/{include,lib}.
# About 1.7 GB, about 45 s from a package index. The bindings tests find them through
# GATUN_CUDA_PIP; without them those tests skip with a reason. No GPU is needed: without a
# driver the libraries still load and return their error codes, which the tests check.
NVIDIA_PIP ?= $(HOME)/.cache/gatun/nvidia
CUDA_HOME ?= /usr/local/cuda
JEXTRACT ?= jextract
BINDINGS_OUT := bindings/src/generated/java
BINDINGS_LIBS := cudart cuda cublas cudnn nccl mpi
# NCCL's wheel goes into its own pip root: pip --target will not add a package to an existing
# nvidia/ folder without replacing that folder.
NCCL_PIP ?= $(HOME)/.cache/gatun/nccl
# Debian's Open MPI headers (libopenmpi-dev); `mpicc --showme:incdirs` names them elsewhere.
MPI_INCLUDE ?= $(or $(firstword $(shell mpicc --showme:incdirs 2>/dev/null)),/usr/lib/x86_64-linux-gnu/openmpi/include)
export GATUN_CUDA_PIP ?= $(NVIDIA_PIP):$(NCCL_PIP)

cuda-libs: $(NVIDIA_PIP)/.installed
$(NVIDIA_PIP)/.installed:
	mkdir -p $(NVIDIA_PIP)
	python3 -m pip install --quiet --retries 1 --target $(NVIDIA_PIP) nvidia-cublas nvidia-cudnn-cu13 nvidia-cuda-runtime
	touch $@

nccl-libs: $(NCCL_PIP)/.installed
$(NCCL_PIP)/.installed:
	mkdir -p $(NCCL_PIP)
	python3 -m pip install --quiet --retries 1 --no-deps --target $(NCCL_PIP) nvidia-nccl-cu13
	touch $@

# The MPI tests (bindings, collectives, data-parallel training) need Open MPI: installed with apt
# when we are root and it is missing, like the other test dependencies.
mpi:
	@if command -v mpirun >/dev/null && ls /usr/lib/x86_64-linux-gnu/libmpi.so.40 >/dev/null 2>&1; then \
	  exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Open MPI for the distributed-training tests (apt-get install openmpi-bin libopenmpi-dev)"; \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openmpi-bin libopenmpi-dev >/dev/null 2>&1 || \
	   (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openmpi-bin libopenmpi-dev)) || \
	   echo "warning: could not install openmpi-bin and libopenmpi-dev"; \
	else \
	  echo "the distributed-training tests need Open MPI: 'sudo apt-get install openmpi-bin libopenmpi-dev'"; \
	fi

# The tests must not fail for want of a package index: a failed install only warns.
cuda-libs-if-possible:
	@$(MAKE) --no-print-directory cuda-libs || echo "warning: NVIDIA libraries not installed; the bindings tests will skip"
	@$(MAKE) --no-print-directory nccl-libs || echo "warning: NCCL not installed; its bindings tests will skip"

# Regenerates the jextract bindings from bindings/jextract/*.args (jextract must be on PATH;
# the wheel headers need $(CUDA_HOME)/include for crt/host_defines.h) into a fresh folder,
# swaps it in only when every library generated, then compiles and tests the module.
bindings: cuda-libs nccl-libs
	@command -v $(JEXTRACT) >/dev/null || { echo "jextract is not on PATH: build or install it, then run make bindings again"; exit 1; }
	rm -rf bindings/target/generated-new && mkdir -p bindings/target/generated-new
	set -e; for lib in $(BINDINGS_LIBS); do \
	  echo "jextract $$lib (log: bindings/target/jextract-$$lib.log)"; \
	  $(JEXTRACT) -I $(NVIDIA_PIP)/nvidia/cudnn/include -I $(NVIDIA_PIP)/nvidia/cu13/include \
	    -I $(NCCL_PIP)/nvidia/nccl/include -I $(MPI_INCLUDE) \
	    -I $(CUDA_HOME)/include @bindings/jextract/$$lib.args --output bindings/target/generated-new \
	    > bindings/target/jextract-$$lib.log 2>&1 \
	    || { grep -v 'warning: Skipping' bindings/target/jextract-$$lib.log; exit 1; }; \
	done
	rm -rf $(BINDINGS_OUT) && mv bindings/target/generated-new $(BINDINGS_OUT)
	$(MVN) -pl bindings test

include make/gpu.mk
include make/embedding.mk
include make/fuzz.mk
