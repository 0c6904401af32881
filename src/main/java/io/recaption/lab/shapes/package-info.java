/**
 * The shapes world: a synthetic text-to-image world whose edits can be measured.
 *
 * <p>A {@link io.recaption.lab.shapes.Scene} (one or two shapes of a {@link io.recaption.lab.shapes.ShapeKind},
 * {@link io.recaption.lab.shapes.NamedColour}, {@link io.recaption.lab.shapes.ShapeSize} and
 * {@link io.recaption.lab.shapes.Position} on a coloured background) is drawn by the seeded
 * {@link io.recaption.lab.shapes.SceneSampler}; the {@link io.recaption.lab.shapes.CaptionGrammar} says it in words
 * and reads it back; the {@link io.recaption.lab.shapes.SceneRenderer} draws it anti-aliased with each shape's
 * coverage mask. An edited scene (colour, kind, size or background changed) is the exact ground truth of
 * the edited caption.
 *
 * <p>The analytic detectors read images back against a scene: {@link io.recaption.lab.shapes.ColourDetector}
 * (named colour inside a mask, outside the foreground, along the border),
 * {@link io.recaption.lab.shapes.RegionSegmenter} (shapes found without ground truth),
 * {@link io.recaption.lab.shapes.ShapeClassifier} (kind, size, position from a region's geometry) and
 * {@link io.recaption.lab.shapes.SceneDetector} (all of them against a rendered scene);
 * {@link io.recaption.lab.shapes.ImageQuality} gives PSNR and SSIM, whole or masked.
 *
 * <p>No Quarkus, Kafka, S3 or DJL here: plain Java on float planes in [0, 1].
 */
package io.recaption.lab.shapes;
