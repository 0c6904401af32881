package io.recaption.lab.shapes;

/**
 * The world's colours, as linear [0, 1] RGB. The values are far apart (the closest pair, yellow and
 * orange, are 0.38 apart in RGB) so that a colour stays recognisable under noise and blur.
 */
public enum NamedColour {
    RED("red", 0.90f, 0.10f, 0.10f),
    GREEN("green", 0.10f, 0.70f, 0.20f),
    BLUE("blue", 0.15f, 0.25f, 0.90f),
    YELLOW("yellow", 0.95f, 0.90f, 0.10f),
    WHITE("white", 0.97f, 0.97f, 0.97f),
    BLACK("black", 0.05f, 0.05f, 0.05f),
    ORANGE("orange", 1.00f, 0.55f, 0.00f),
    PURPLE("purple", 0.55f, 0.15f, 0.75f);

    private final String word;
    private final float red;
    private final float green;
    private final float blue;

    NamedColour(String word, float red, float green, float blue) {
        this.word = word;
        this.red = red;
        this.green = green;
        this.blue = blue;
    }

    public String word() {
        return word;
    }

    /** A fresh {r, g, b} array in [0, 1]. */
    public float[] rgb() {
        return new float[] {red, green, blue};
    }

    /** Euclidean distance in RGB ([0, 1] per channel) from this colour to {@code rgb}. */
    public double distanceTo(float[] rgb) {
        double dr = rgb[0] - red;
        double dg = rgb[1] - green;
        double db = rgb[2] - blue;
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    /** The named colour nearest to {@code rgb}, with its distance. */
    public static ColourReading nearest(float[] rgb) {
        NamedColour best = null;
        double bestDistance = Double.POSITIVE_INFINITY;
        double secondDistance = Double.POSITIVE_INFINITY;
        for (NamedColour colour : values()) {
            double d = colour.distanceTo(rgb);
            if (d < bestDistance) {
                secondDistance = bestDistance;
                bestDistance = d;
                best = colour;
            } else if (d < secondDistance) {
                secondDistance = d;
            }
        }
        return new ColourReading(best, bestDistance, secondDistance - bestDistance, rgb.clone());
    }
}
