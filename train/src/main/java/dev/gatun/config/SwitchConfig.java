package dev.gatun.config;

/**
 * One entry of {@code switch}: from epoch {@code epoch} on, train with a new optimizer
 * ({@code {epoch: 5, optimizer: {type: sgd, lr: 0.01}}}, starting with empty state) or the same
 * one at a new rate ({@code {epoch: 5, lr: 0.0001}}). A schedule, if any, restarts from the
 * switch's rate (the new optimizer's {@code lr}, or {@code lr}) over the epochs that are left.
 *
 * @param epoch the first epoch of the change
 * @param optimizerOrNull the new optimizer, or null for a rate change
 * @param lr the new rate, or NaN when a new optimizer is given
 */
public record SwitchConfig(int epoch, OptimizerConfig optimizerOrNull, double lr) {
    static SwitchConfig from(ConfigNode n, int epochs) {
        n.allowKeys("epoch", "optimizer", "lr");
        int epoch = n.integer("epoch");
        if (epoch < 2 || epoch > epochs) {
            throw n.error("epoch", "must be in [2, " + epochs + "] (training.epochs), the first epoch to change");
        }
        if (n.has("optimizer") == n.has("lr")) {
            throw n.error("needs either optimizer or lr");
        }
        if (n.has("lr")) {
            return new SwitchConfig(epoch, null, n.positive("lr"));
        }
        return new SwitchConfig(epoch, OptimizerConfig.from(n.object("optimizer")), Double.NaN);
    }
}
