# --- The embedding sample (included by the main Makefile) ----------------------------------------
#
# make embedding-sample  trains a small real run with the samples jar (MLP, one epoch on 6000
#                        images), then builds samples/embedding, an application on its own Maven
#                        project that depends on the installed Gatun artifacts (`mvn install`
#                        first), and runs its test on that run: the sample must score the accuracy
#                        the run reported. Then runs the sample's main class on the run.
#
# MVN_REPO_ARGS reaches every Maven call here, e.g. MVN_REPO_ARGS=-Dmaven.repo.local=/tmp/m2 to
# build against a private local repository (install there with the same argument).

.PHONY: embedding-sample

EMBEDDING_DIR := samples/embedding
EMBEDDING_RUNS := $(EMBEDDING_DIR)/target/runs
EMBEDDING_TRAIN_ARGS ?= --epochs 1 --limit 6000 --validation 0
MVN_REPO_ARGS ?=

$(SAMPLES_JAR):
	$(MVN) $(MVN_REPO_ARGS) -DskipTests package

embedding-sample: data $(SAMPLES_JAR)
	rm -rf $(EMBEDDING_RUNS)
	$(JAVA) $(JVM_FLAGS) -jar $(SAMPLES_JAR) mlp $(EMBEDDING_TRAIN_ARGS) --out $(EMBEDDING_RUNS)
	run=$$(ls -d $(CURDIR)/$(EMBEDDING_RUNS)/mlp-*) && \
	  $(MVN) $(MVN_REPO_ARGS) -f $(EMBEDDING_DIR)/pom.xml verify -Dgatun.run=$$run && \
	  $(JAVA) $(JVM_FLAGS) -jar $(EMBEDDING_DIR)/target/classify-fashion.jar $$run --show 5
