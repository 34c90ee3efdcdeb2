package dev.gatun.config;

import dev.gatun.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A network's layers as Keras's {@code summary()} lists them: each layer's type, output shape per
 * example and parameter count, from the config alone (nothing is built); for a graph model, also
 * what each layer reads (Keras's "connected to").
 */
public final class LayerSummary {
    private LayerSummary() {}

    /**
     * One layer of the summary.
     *
     * @param index the layer's index in {@code model.layers}
     * @param type the layer's type, e.g. {@code dense}
     * @param outputShape the shape of one example's output, e.g. {@code [64]}
     * @param parameters the layer's parameter count
     * @param name the layer's {@code name}, empty when it has none
     * @param inputs what the layer reads, by index ({@code 2, input}); empty in a stack, where each
     *     layer reads the one before
     */
    public record Row(int index, String type, String outputShape, long parameters, String name, String inputs) {}

    /**
     * The layers of {@code model} reading examples of shape {@code input}.
     *
     * @param model the network
     * @param input the shape of one example
     * @return one row per layer
     */
    public static List<Row> of(ModelConfig model, int[] input) {
        ModelFactory.Shapes shapes = ModelFactory.shapes(model, input);
        ModelGraph graph = model.graph();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            LayerConfig layer = model.layers().get(i);
            String reads = graph.isStack() ? "" : String.join(", ", Arrays.stream(graph.inputs(i))
                    .mapToObj(j -> j < 0 ? ModelGraph.INPUT : Integer.toString(j)).toList());
            rows.add(new Row(i, LayerConfig.typeName(layer), Shape.str(shapes.outputs().get(i)),
                    ModelMemory.parameters(layer, shapes.input(i)), model.names().get(i), reads));
        }
        return rows;
    }

    /**
     * The summary of the network a run folder holds ({@code config.json} and {@code model.json}).
     *
     * @param runFolder the run folder
     * @return one row per layer
     * @throws IOException when a file cannot be read
     * @throws ConfigException when the config is not valid
     */
    public static List<Row> of(Path runFolder) throws IOException {
        Path file = runFolder.resolve(TrainedModel.CONFIG);
        ExperimentConfig config = ConfigLoader.experiment(ConfigLoader.read(file), runFolder.getFileName().toString(),
                file.toString());
        return of(config.model(), ModelCard.read(runFolder).input());
    }
}
