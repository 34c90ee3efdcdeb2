package dev.gatun.studio.play;

import dev.gatun.train.metrics.ConfusionMatrix;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The {@code confusion} event: the matrix (rows are the true class) with per-class precision, recall and F1. */
public final class ConfusionJson {
    private ConfusionJson() {}

    /**
     * The event's data.
     *
     * @param run the run's id
     * @param step the optimizer steps taken
     * @param part {@code train} or {@code validation}
     * @param classNames the class names, in label order
     * @param cm the confusion matrix
     * @return the event object
     */
    public static ObjectNode of(String run, long step, String part, List<String> classNames, ConfusionMatrix cm) {
        ObjectNode o = EventJson.event(run);
        o.put("step", step);
        o.put("part", part);
        ArrayNode classes = o.putArray("classes");
        classNames.forEach(classes::add);
        ArrayNode matrix = o.putArray("matrix");
        ArrayNode precision = o.putArray("precision");
        ArrayNode recall = o.putArray("recall");
        ArrayNode f1 = o.putArray("f1");
        for (int t = 0; t < cm.classes(); t++) {
            ArrayNode row = matrix.addArray();
            for (int p = 0; p < cm.classes(); p++) {
                row.add(cm.count(t, p));
            }
            EventJson.number(precision, cm.precision(t));
            EventJson.number(recall, cm.recall(t));
            EventJson.number(f1, cm.f1(t));
        }
        return o;
    }
}
