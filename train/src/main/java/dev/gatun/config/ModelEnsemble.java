package dev.gatun.config;

import dev.gatun.data.Dataset;
import dev.gatun.predict.Ensemble;
import dev.gatun.predict.Predictor;
import dev.gatun.tensor.Scope;
import dev.gatun.tracking.RunLineage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trained runs used together by soft voting ({@code gatun predict RUN1 RUN2 ... INPUT},
 * {@code gatun eval RUN1 RUN2 ...}): loads them, refuses members that do not agree on the input
 * shape and the classes, and finds the data they are evaluated on together. A cross-validation's
 * parent run stands for its K fold runs.
 */
public final class ModelEnsemble {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    // A summary lists K folds in a few hundred bytes each; anything near this is not one.
    private static final long MAX_SUMMARY_BYTES = 16L << 20;

    private ModelEnsemble() {}

    /**
     * {@code paths} with each cross-validation parent ({@link CrossValidationRunner}) replaced by
     * its fold runs, in fold order, found beside it by the names in its
     * {@value CrossValidationSummary#JSON}: the K models of a cross-validation vote as one.
     *
     * @param paths run folders, exports, checkpoint directories or cross-validation parents
     * @return the model folders
     * @throws IOException naming the parent's file when it cannot be read or lists no folds
     */
    public static List<Path> members(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            Path summary = p.resolve(CrossValidationSummary.JSON);
            if (!Files.isDirectory(p) || !CrossValidationRunner.PARENT_ROLE.equals(RunLineage.read(p).roleOrNull())
                    || !Files.isRegularFile(summary)) {
                out.add(p);
                continue;
            }
            JsonNode runs;
            if (Files.size(summary) > MAX_SUMMARY_BYTES) {
                throw new IOException(summary + ": " + Files.size(summary) + " bytes, more than a summary's "
                        + MAX_SUMMARY_BYTES);
            }
            try {
                runs = JSON.readTree(Files.readString(summary, StandardCharsets.UTF_8)).path("runs");
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new IOException(summary + ": not UTF-8 text", e);
            } catch (RuntimeException e) {
                throw new IOException(summary + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
            }
            if (!runs.isArray() || runs.isEmpty()) {
                throw new IOException(summary + ": lists no fold runs; the cross-validation did not train a fold");
            }
            for (JsonNode r : runs) {
                String name = r.path("run").asString("");
                if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                    throw new IOException(summary + ": runs[].run must be a fold run's folder name, got '" + name + "'");
                }
                out.add(p.resolveSibling(name));
            }
        }
        return out;
    }

    /**
     * Loads every run (into the current scope) and checks that each agrees with the first.
     *
     * @param runs run folders, exports or checkpoint directories
     * @return the trained models, in order
     * @throws IllegalArgumentException naming the run that differs and what differs
     * @throws IOException naming the missing or malformed file of a run
     */
    public static List<TrainedModel> load(List<Path> runs) throws IOException {
        List<TrainedModel> models = new ArrayList<>();
        for (Path run : runs) {
            TrainedModel m = TrainedModel.load(run);
            if (!models.isEmpty()) {
                String problem = mismatch(models.getFirst().card(), m.card(), runs.getFirst());
                if (problem != null) {
                    throw new IllegalArgumentException("ensemble member " + run + ": " + problem);
                }
            }
            models.add(m);
        }
        return models;
    }

    /**
     * The runs as one {@link Ensemble} predictor (the Java API of soft voting).
     *
     * @param runs run folders, exports or checkpoint directories
     * @return the ensemble; close it when done
     * @throws IllegalArgumentException naming the run that differs and what differs
     * @throws IOException naming the missing or malformed file of a run
     */
    public static Ensemble predictor(List<Path> runs) throws IOException {
        List<Predictor> members = new ArrayList<>();
        try {
            for (Path run : runs) {
                members.add(TrainedModel.predictor(run));
            }
        } catch (IOException | RuntimeException e) {
            members.forEach(Predictor::close);
            throw e;
        }
        return Ensemble.of(members);
    }

    /**
     * The run {@code owner}'s own test part (its validation part when it kept no test part), prepared
     * for {@code member}: the same examples every member is evaluated on, each member's own
     * preprocessing statistics applied. Image files are mapped into the current scope.
     *
     * @param owner the run whose data is used (the ensemble's first)
     * @param ownerPath the owner's path, for messages
     * @param member the member to prepare the examples for
     * @param memberPath the member's path, for messages
     * @return the examples as {@code member} reads them
     * @throws IllegalArgumentException when the member lists other preprocessing steps (name the data
     *     with --data then), or the owner kept no test or validation part
     * @throws IOException when the data cannot be read
     */
    public static Dataset ownerTestPart(TrainedModel owner, Path ownerPath, TrainedModel member, Path memberPath)
            throws IOException {
        List<String> steps = owner.config().data().preprocessing();
        List<String> memberSteps = member.config().data().preprocessing();
        if (!steps.equals(memberSteps)) {
            throw new IllegalArgumentException("ensemble member " + memberPath + ": preprocessing " + memberSteps
                    + " differs from " + steps + " of " + ownerPath + ", whose test part the ensemble is evaluated on;"
                    + " name a data file every member reads (--data)");
        }
        ExperimentData data;
        try {
            data = DataFactory.load(owner.config(), Scope.current(), member.card().preprocessing());
        } catch (ConfigException e) {
            throw new IllegalArgumentException("ensemble member " + memberPath + " cannot read the test part of "
                    + ownerPath + ": " + e.getMessage(), e);
        }
        if (data.testOrNull() != null) {
            return data.testOrNull();
        }
        if (data.validationOrNull() != null) {
            return data.validationOrNull();
        }
        throw new IllegalArgumentException("the run " + ownerPath + " kept no test or validation examples; name the"
                + " data to evaluate the ensemble on (--data)");
    }

    /** How {@code member} differs from {@code first} in what soft voting needs shared, or null. */
    private static String mismatch(ModelCard first, ModelCard member, Path firstPath) {
        if (!Arrays.equals(first.input(), member.input())) {
            return "input shape " + Arrays.toString(member.input()) + " differs from " + Arrays.toString(first.input())
                    + " of " + firstPath;
        }
        if (first.classification() != member.classification()) {
            return (member.classification() ? "a classifier" : "a regression model") + ", but " + firstPath + " is "
                    + (first.classification() ? "a classifier" : "a regression model");
        }
        if (!first.classNames().equals(member.classNames())) {
            return "classes " + member.classNames() + " differ from " + first.classNames() + " of " + firstPath;
        }
        return null;
    }
}
