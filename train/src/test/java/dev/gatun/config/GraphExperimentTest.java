package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.Graph;
import dev.gatun.predict.Predictor;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.checkpoint.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A graph config end to end: it trains, resumes bit for bit, reports its layers, loads, exports and predicts. */
class GraphExperimentTest {
    /** Branches, a residual block with dropout inside, add, concat of three tensors, batch norm. */
    static final String GRAPH = """
            name: graph-moons
            seed: 3
            data: {source: synthetic, kind: moons, n: 300, noise: 0.2, validation: 0.2, test: 0.2,
                   preprocessing: [standardize]}
            model:
              layers:
                - {type: dense, units: 16, name: stem}
                - {type: batchnorm}
                - {type: relu, name: h}
                - type: residual
                  name: deep
                  layers: [{type: dense, units: 16}, {type: tanh}, {type: dropout, p: 0.2}, {type: dense, units: 16}]
                - {type: dense, units: 8, inputs: [h], name: side}
                - {type: tanh, name: side_act}
                - {type: dense, units: 8, inputs: [input], name: raw}
                - {type: add, inputs: [side_act, raw], name: sum}
                - {type: concat, inputs: [deep, sum, stem]}
                - {type: dense, units: 2}
            optimizer: {type: adam, lr: 0.02}
            training: {epochs: 5, batch: 16, checkpoint_every: 1}
            """;

    @TempDir
    Path runs;

    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("graph-run");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void aGraphConfigTrainsResumesBitForBitAndLoadsForPrediction() throws IOException {
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml(GRAPH, "graph.yaml"), "graph");
        ExperimentResult whole = ExperimentRunner.run(c, runs, quiet());
        assertTrue(whole.metric("test_accuracy") >= 0.85, "test accuracy " + whole.metric("test_accuracy"));
        Path folder = whole.folder().path();
        byte[] weights = Files.readAllBytes(folder.resolve(TrainedModel.WEIGHTS));

        Path four = folder.resolve("checkpoints").resolve(Checkpoint.directoryName(4));
        assertTrue(Files.readString(four.resolve(sidecar(four)))
                .contains("\"3.body.2\""), "the dropout inside the residual block is part of the checkpoint");
        ExperimentResult resumed = ExperimentRunner.resume(four, 0, quiet());
        for (int e = 0; e < 5; e++) {
            assertEquals(Double.doubleToLongBits(whole.history().get(e).trainLoss()),
                    Double.doubleToLongBits(resumed.history().get(e).trainLoss()), "epoch " + (e + 1));
            assertEquals(Double.doubleToLongBits(whole.history().get(e).valLoss()),
                    Double.doubleToLongBits(resumed.history().get(e).valLoss()), "epoch " + (e + 1));
        }
        assertArrayEquals(weights, Files.readAllBytes(folder.resolve(TrainedModel.WEIGHTS)));
        assertEquals(whole.finalMetrics(), resumed.finalMetrics());

        List<LayerSummary.Row> rows = LayerSummary.of(folder);
        assertEquals(new LayerSummary.Row(8, "concat", "[40]", 0, "", "3, 7, 0"), rows.get(8));
        assertEquals(new LayerSummary.Row(6, "dense", "[8]", 2 * 8 + 8, "raw", "input"), rows.get(6));
        assertEquals(16 * 16 * 2 + 16 * 2, rows.get(3).parameters());
        String report = Files.readString(folder.resolve("report.html"));
        assertTrue(report.contains("<th>reads</th>") && report.contains("<td>5, 6</td>"),
                "the report's layer table says what each layer reads");

        Path export = runs.resolve("export");
        ModelExport.write(folder, export, "graph.yaml");
        float[][] rowsIn = {{0.1f, -0.3f}, {1.5f, 0.2f}, {-0.7f, 0.9f}};
        try (Scope s = Scope.open("load")) {
            TrainedModel fromRun = TrainedModel.load(folder);
            Graph graph = assertInstanceOf(Graph.class, fromRun.module());
            assertEquals("9", graph.outputName());
            TrainedModel exported = TrainedModel.load(export);
            fromRun.module().train(false);
            Tensor x = Tensor.of(new float[] {0.1f, -0.3f, 1.5f, 0.2f}, 2, 2);
            try (var ignored = dev.gatun.autograd.Autograd.noGrad()) {
                assertArrayEquals(fromRun.module().forward(x).toFloatArray(),
                        exported.module().train(false).forward(x).toFloatArray(), 0);
            }
        }
        try (Predictor fromRun = TrainedModel.predictor(folder); Predictor exported = TrainedModel.predictor(export)) {
            float[][] a = fromRun.predict(rowsIn);
            float[][] b = exported.predict(rowsIn);
            for (int i = 0; i < rowsIn.length; i++) {
                assertArrayEquals(a[i], b[i], 0);
                assertEquals(1, a[i][0] + a[i][1], 1e-5, "probabilities");
            }
        }
    }

    private static String sidecar(Path checkpoint) throws IOException {
        try (var files = Files.list(checkpoint)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow()
                    .getFileName().toString();
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
