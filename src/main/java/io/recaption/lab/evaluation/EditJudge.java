package io.recaption.lab.evaluation;

import io.recaption.lab.shapes.ColourDetector;
import io.recaption.lab.shapes.ImageQuality;
import io.recaption.lab.shapes.Mask;
import io.recaption.lab.shapes.RgbImage;
import io.recaption.lab.shapes.SceneCheck;
import io.recaption.lab.shapes.SceneDetector;
import io.recaption.lab.shapes.ShapeCheck;

/**
 * Judges an edited image against the edited scene's ground truth with the world's analytic
 * detectors. An edit succeeds when the property it changed reads as the edited caption says, and
 * the rest of the scene still reads as before:
 * <ul>
 * <li>colourSwap: the colour inside the edited shape's (edited) mask is the new colour;
 * <li>shapeSwap: the segmented region on the edited shape's mask is classified as the new kind and
 *     keeps the shape's colour;
 * <li>addedAdjective: that region's size is the new size (big/small), with the shape's colour;
 * <li>backgroundSwap: the background (outside every shape) is the new colour;
 * <li>emphasis up (the caption unchanged, one colour word ×2): the emphasised shape's colour and kind
 *     still read correctly — an emphasis must not change what the caption says;
 * <li>emphasis down (the caption unchanged, one colour word ×0): the shape's mean colour inside its
 *     mask has moved at least {@link #EMPHASIS_DOWN_SHIFT} farther from the named colour than the
 *     input's (the word's effect visibly weakened), and its kind still reads;
 * </ul>
 * and in every case the background (unless it was the edit) and every other shape's colour inside its
 * mask match. {@code keptPsnr}/{@code keptSsim}: PSNR/SSIM against the input over {@link EditCase#kept()}.
 */
public final class EditJudge {

    /** How much farther (RGB distance, [0, 1] per channel) from its named colour an emphasis-down shape must get. */
    public static final double EMPHASIS_DOWN_SHIFT = 0.1;

    private final SceneDetector detector;

    public EditJudge(SceneDetector detector) {
        this.detector = detector;
    }

    public static EditJudge defaults() {
        return new EditJudge(SceneDetector.defaults());
    }

    public boolean success(EditCase edit, RgbImage edited) {
        SceneCheck check = detector.read(edited, edit.target());
        if (!check.backgroundMatches()) {
            return false;
        }
        for (int k = 0; k < check.shapes().size(); k++) {
            ShapeCheck shape = check.shapes().get(k);
            boolean ok = k != edit.shapeIndex() ? shape.colourMatches() : switch (edit.kind()) {
                case COLOUR_SWAP -> shape.colourMatches();
                case SHAPE_SWAP -> shape.kindMatches() && shape.regionColourMatches();
                case ADDED_ADJECTIVE -> shape.sizeMatches() && shape.regionColourMatches();
                case EMPHASIS -> shape.matches();
                case EMPHASIS_DOWN -> shape.kindMatches() && colourShift(edit, shape) >= EMPHASIS_DOWN_SHIFT;
                case BACKGROUND_SWAP -> throw new IllegalStateException("a background swap edits no shape");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** How much farther from its named colour the edited shape's mean colour is than the input's. */
    static double colourShift(EditCase edit, ShapeCheck shape) {
        Mask mask = edit.target().masks().get(edit.shapeIndex());
        double before = shape.expected().colour().distanceTo(ColourDetector.inside(edit.source().image(), mask).meanRgb());
        return shape.expected().colour().distanceTo(shape.colour().meanRgb()) - before;
    }

    public static double keptPsnr(EditCase edit, RgbImage input, RgbImage edited) {
        return ImageQuality.psnr(input, edited, edit.kept());
    }

    public static double keptSsim(EditCase edit, RgbImage input, RgbImage edited) {
        return ImageQuality.ssim(input, edited, edit.kept());
    }
}
