package io.recaption.lab.shapes;

/**
 * A colour read from pixels: the nearest named colour, the distance to it, the margin (how much
 * farther the second-nearest named colour is) and the mean RGB that was read, all in [0, 1] RGB units.
 */
public record ColourReading(NamedColour colour, double distance, double margin, float[] meanRgb) {}
