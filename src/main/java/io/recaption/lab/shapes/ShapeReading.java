package io.recaption.lab.shapes;

/**
 * A shape read from a region's geometry: the kind whose template fits best, with its soft
 * intersection-over-union {@code iou} and the {@code margin} over the second-best kind's; the side
 * of that template (as a fraction of the image side) with the nearest size, and the nearest
 * position to its centre.
 */
public record ShapeReading(ShapeKind kind, double iou, double margin, double side, ShapeSize size, Position position) {}
