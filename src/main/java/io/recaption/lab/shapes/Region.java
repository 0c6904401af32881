package io.recaption.lab.shapes;

/**
 * A segmented shape: its estimated coverage (soft, in [0, 1] per pixel) and the colour of its interior.
 */
public record Region(Mask coverage, ColourReading colour) {

    /** Σ coverage over the pixels of {@code other} covered by half or more of this region: how much of it this region lies on. */
    public double overlap(Mask other) {
        coverage.requireSameSize(other);
        double sum = 0;
        for (int i = 0; i < coverage.coverage().length; i++) {
            if (coverage.at(i) >= 0.5f) {
                sum += other.at(i);
            }
        }
        return sum;
    }
}
