package io.recaption.lab.shapes;

/**
 * Classifies a region by its geometry, by template matching: for each kind, the template with the
 * region's area (side = √(area / the kind's fill of its box)) placed on the region's centroid (a
 * triangle's centroid lies a sixth of its side below its box's centre) is rasterised, and the kind
 * whose template overlaps the region best (soft intersection over union) wins. Area and centroid
 * are sums over the whole region, so a single noisy edge pixel barely moves them (a bounding box,
 * by contrast, grows by a whole pixel row). Equal-area templates of two kinds differ by 0.15–0.3
 * IoU (circle vs square ≈ 0.85 overlap), the margin a clean render has.
 */
public final class ShapeClassifier {

    /** Samples per pixel side for the templates. */
    private static final int GRID = 4;

    private ShapeClassifier() {}

    /** Reads a region's shape; throws {@link IllegalArgumentException} for an empty region. */
    public static ShapeReading classify(Mask region) {
        int w = region.width();
        int h = region.height();
        double area = 0;
        double sumX = 0;
        double sumY = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float c = region.at(y * w + x);
                area += c;
                sumX += c * (x + 0.5);
                sumY += c * (y + 0.5);
            }
        }
        if (area <= 0) {
            throw new IllegalArgumentException("the region is empty");
        }
        double centroidX = sumX / area;
        double centroidY = sumY / area;
        ShapeKind best = null;
        double bestIou = -1;
        double secondIou = -1;
        double bestSide = 0;
        double bestCentreY = 0;
        for (ShapeKind kind : ShapeKind.values()) {
            double side = Math.sqrt(area / kind.areaFraction());
            double centreY = centroidY - centroidBelowCentre(kind) * side;
            float[] template = ShapeRaster.coverage(kind, centroidX, centreY, side, w, h, GRID);
            double iou = softIou(region, template);
            if (iou > bestIou) {
                secondIou = bestIou;
                bestIou = iou;
                best = kind;
                bestSide = side;
                bestCentreY = centreY;
            } else if (iou > secondIou) {
                secondIou = iou;
            }
        }
        double side = bestSide / w;
        return new ShapeReading(best, bestIou, bestIou - secondIou, side, nearestSize(side),
                nearestPosition(centroidX / w, bestCentreY / h));
    }

    /** How far below its box's centre a kind's centroid lies, in sides (the triangle's is at 2/3 of its height). */
    private static double centroidBelowCentre(ShapeKind kind) {
        return kind == ShapeKind.TRIANGLE ? 1.0 / 6 : 0;
    }

    private static double softIou(Mask region, float[] template) {
        double intersection = 0;
        double union = 0;
        for (int i = 0; i < template.length; i++) {
            float r = region.at(i);
            intersection += Math.min(r, template[i]);
            union += Math.max(r, template[i]);
        }
        return intersection / union;
    }

    private static ShapeSize nearestSize(double side) {
        ShapeSize best = ShapeSize.MEDIUM;
        for (ShapeSize size : ShapeSize.values()) {
            if (Math.abs(size.side() - side) < Math.abs(best.side() - side)) {
                best = size;
            }
        }
        return best;
    }

    private static Position nearestPosition(double x, double y) {
        Position best = Position.CENTER;
        for (Position position : Position.values()) {
            if (Math.hypot(position.x() - x, position.y() - y) < Math.hypot(best.x() - x, best.y() - y)) {
                best = position;
            }
        }
        return best;
    }
}
