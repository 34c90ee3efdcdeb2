package dev.gatun.config;

import dev.gatun.data.DataLoader;
import dev.gatun.train.parallel.DataParallel;
import dev.gatun.train.parallel.ShardPlan;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a data-parallel run's checkpoints record about its ranks: their number, the global batch,
 * and every rank's data-loader position. Checkpoints are taken at the end of an epoch, so each
 * rank's position is the start of its share of the next epoch's order (the order one process
 * draws from the seed and the epoch); the share's first position and size per epoch say where
 * that is. A resumed run recomputes the shares for its own number of ranks.
 */
final class DistributedPositions {
    private DistributedPositions() {}

    /**
     * @param parallel the run's ranks
     * @param train its training loader (batch: the global batch)
     * @return the {@code distributed} object of the checkpoints' model config
     */
    static ObjectNode toJson(DataParallel parallel, DataLoader train) {
        int ranks = parallel.collectives().size();
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("ranks", ranks);
        node.put("global_batch", train.batchSize());
        node.put("split", "global batch b covers order positions [b*G, min((b+1)*G, n)); rank r of N takes "
                + "[floor(r*m/N), floor((r+1)*m/N)) of its m examples");
        ArrayNode positions = node.putArray("loader_positions");
        for (int r = 0; r < ranks; r++) {
            ShardPlan plan = new ShardPlan(train.dataset().size(), train.batchSize(),
                    train.samplesPerEpoch() < train.dataset().size(), r, ranks);
            int examples = 0;
            for (int b = 0; b < plan.batchCount(); b++) {
                examples += plan.count(b);
            }
            ObjectNode p = positions.addObject();
            p.put("rank", r);
            p.put("next_epoch_order_position", plan.batchCount() == 0 ? 0 : plan.from(0));
            p.put("examples_per_epoch", examples);
        }
        return node;
    }
}
