# --- Fuzzing (included by the main Makefile) ------------------------------------------------
#
# make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS='train:CsvDatasetFuzzTest#loads ...'] [FUZZ_ARGS=...]
#   Fuzzes each reader's @FuzzTest with Jazzer for FUZZ_SECONDS, one target at a time (the fuzz
#   profile in pom.xml), and fails if any target found something. make test runs the same tests
#   on their committed seeds only. A target stops at its first finding; FUZZ_ARGS passes Jazzer
#   options, e.g. FUZZ_ARGS=-Djazzer.keep_going=10 to go on until ten different ones (a committed
#   seed that still fails counts as one).
# make fuzz-seeds
#   Rewrites the seeds the fuzz tests make with Gatun's own writers (valid-*) and the inputs of
#   issue 15 (issue15-*), after a format changes.
#
# Findings: Jazzer saves each input that fails (crash-<sha1>, timeout-<sha1>) in the target's seed
# folder, <module>/src/test/resources/<package>/<Class>Inputs/<method>/, and prints the exception.
# Commit that file where it is: make test then runs it as a regression test, which fails until the
# reader is fixed. Inputs that reached new code go to <module>/.cifuzz-corpus/ (ignored by git);
# later runs on this machine start from them.
#
# Tensor memory is off-heap, where -Xmx does not reach: until every allocation checks the memory
# budget, a size a fuzzer invents could take the machine's memory. Each fuzzing JVM therefore runs
# under a virtual memory limit (FUZZ_MEMORY_KB), which turns such an allocation into an
# OutOfMemoryError finding; Maven's own JVM gets a heap that fits under it.

FUZZ_SECONDS ?= 60
FUZZ_MEMORY_KB ?= 6291456
FUZZ_ARGS ?=
FUZZ_TARGETS ?= core:SafetensorsReaderFuzzTest\#readsAndLoads \
  train:IdxFileFuzzTest\#reads \
  train:CifarBatchFuzzTest\#cifar10 \
  train:CifarBatchFuzzTest\#cifar100 \
  train:ClassNamesFuzzTest\#emnistMapping \
  train:ClassNamesFuzzTest\#cifarNames \
  train:CsvDatasetFuzzTest\#loads \
  train:ImageFolderFuzzTest\#decodes \
  train:ConfigLoaderFuzzTest\#yaml \
  train:ConfigLoaderFuzzTest\#json \
  train:TrainedModelFuzzTest\#predicts \
  train:CheckpointFuzzTest\#resumes \
  train:CrossValidationParentFuzzTest\#members \
  train:RunImporterFuzzTest\#reads \
  onnx:OnnxImporterFuzzTest\#reads

.PHONY: fuzz fuzz-seeds

# A target fails when Jazzer's test fails or when it saved a finding: with keep_going, a run that
# reaches its time limit passes although it saved inputs that fail.
fuzz:
	@failed=""; \
	for target in $(FUZZ_TARGETS); do \
	  module=$${target%%:*}; test=$${target#*:}; \
	  echo "== fuzzing $$test for $(FUZZ_SECONDS) s"; \
	  mkdir -p $$module/target && touch $$module/target/fuzz-started; \
	  ( ulimit -v $(FUZZ_MEMORY_KB) && MALLOC_ARENA_MAX=2 MAVEN_OPTS="$(MAVEN_OPTS) -Xmx768m" \
	    $(MVN) $(MVN_REPO_ARGS) -Pfuzz -pl $$module -am test -Dtest="$$test" -Dsurefire.failIfNoSpecifiedTests=false \
	      -Djazzer.max_duration=$(FUZZ_SECONDS)s $(FUZZ_ARGS) ); status=$$?; \
	  found=$$(find $$module/src/test/resources -type f -newer $$module/target/fuzz-started \
	    \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \)); \
	  if [ $$status -ne 0 ] || [ -n "$$found" ]; then \
	    failed="$$failed $$test"; echo "== $$test: findings saved:"; echo "$$found"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then \
	  echo "make fuzz: findings in$$failed"; \
	  exit 1; \
	fi; \
	echo "make fuzz: no findings in $(FUZZ_SECONDS) s per target"

fuzz-seeds:
	$(MVN) $(MVN_REPO_ARGS) -pl train -am test -Dtest='*FuzzTest#validSeedsAreAccepted' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dgatun.fuzz.writeSeeds=true
