package dev.gatun.studio.play;

/**
 * What a Studio run is for: the one playground run, or one setup of a race of several on the same
 * data and seed. A race's runs send their curves and decision boundary but not the per-layer
 * pictures (weights, histograms, gradient flow, confusion matrix), which the race view does not
 * show: four runs share the machine with the page.
 *
 * @param kind {@code playground} or {@code race}, the {@code run} event's {@code kind}
 * @param race the race's id, or null for the playground
 * @param label the setup's name in the race view, or null
 */
public record RunRole(String kind, String race, String label) {
    /** The playground run. */
    public static final RunRole PLAYGROUND = new RunRole("playground", null, null);

    /**
     * One setup of a race.
     *
     * @param race the race's id
     * @param label the setup's name
     * @return the role
     */
    public static RunRole inRace(String race, String label) {
        return new RunRole("race", race, label);
    }

    /** {@return whether the run sends the per-layer pictures} */
    public boolean pictures() {
        return race == null;
    }
}
