package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.CsvFormatException;
import dev.gatun.data.Dataset;
import dev.gatun.tensor.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data to evaluate is read against the model's classes, so that a wild label is refused at once. */
class ModelInputsTest {
    @TempDir
    Path dir;

    /** A three-class model of two features whose classes are its ids, as a CSV of class ids gives them. */
    private TrainedModel numbered() {
        ExperimentConfig config = ExperimentConfig.from(ConfigLoader.parseYaml("""
                name: ids
                data: {source: csv, path: train.csv, label: label}
                model:
                  layers:
                    - {type: dense, units: 3}
                """, "ids.yaml"), "ids");
        ModelCard card = new ModelCard(new int[] {2}, List.of("0", "1", "2"), FittedPreprocessing.none());
        return new TrainedModel(config, card, ModelFactory.module(config.model(), card.input(), 1));
    }

    @Test
    void anEvalCsvLabelOfIntMaxIsRefusedAtOnceNamingItsLine() throws IOException {
        try (Scope s = Scope.open("eval")) {
            TrainedModel model = numbered();
            for (String label : List.of("2147483647", "100000000", "3")) {
                Path csv = Files.writeString(dir.resolve("eval.csv"), "a,b,label\n1,2,0\n3,4," + label + "\n");
                long start = System.nanoTime();
                CsvFormatException e = assertThrows(CsvFormatException.class,
                        () -> ModelInputs.labelled(model, csv, "label"));
                assertEquals(csv + ": line 3, column 3 ('label'): class id " + label
                        + " is out of range: expected 0..2 for the 3 classes", e.getMessage());
                assertTrue(System.nanoTime() - start < 2_000_000_000L);
            }
            Path fewer = Files.writeString(dir.resolve("fewer.csv"), "a,b,label\n1,2,0\n3,4,1\n");
            Dataset d = ModelInputs.labelled(model, fewer, "label");
            assertEquals(3, d.classes());
        }
    }
}
