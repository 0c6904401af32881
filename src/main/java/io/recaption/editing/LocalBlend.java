package io.recaption.editing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import io.recaption.model.unet.AttentionSite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prompt-to-Prompt's LocalBlend: a mask from the chosen words' cross-attention keeps the edited
 * image equal to the source outside the region those words attend to. The maps are the
 * conditional cross-attention of every layer at one resolution (see {@link #mapDivisor}), summed over
 * the steps so far (the reference's attention store); per image: words' maps summed, heads and layers
 * averaged, 3×3 max-pooled, upsampled to the latent (nearest), normalised by the maximum and
 * thresholded; the source's and the edited image's masks are united; applied from a fraction of
 * the steps on.
 *
 * <p>Subtracted words (the reference's {@code substruct_words}): their region, masked the same way but
 * without the pool (the reference's {@code use_pool=False}), is taken out of the blend words' mask, so that a
 * change asked of a large region ("background") leaves what lies in it ("circle") as the source has it.
 */
public final class LocalBlend {

    /** The shortest map side the 3×3 pool stays local on (see {@link #mapDivisor}). */
    private static final int MIN_MAP_SIDE = 8;

    private final NDManager manager;
    private final NDArray wordAlphas;
    /** [n, 1, 1, 1, L] of the subtracted words, or null. */
    private final NDArray subtractAlphas;
    private final double threshold;
    private final double start;
    private final int latentHeight;
    private final int latentWidth;
    private final int mapHeight;
    private final int mapWidth;
    private final Map<String, NDArray> storedMaps = new LinkedHashMap<>();

    /**
     * @param wordAlphas [n, L]: 1 at the token positions of the blend words in each image's caption
     * @param crossDivisors how much smaller than the latent the UNet's cross-attention layers are
     *     ({@code UNet2DConditionConfig.crossAttentionDivisors()})
     */
    public LocalBlend(NDManager manager, float[][] wordAlphas, int latentHeight, int latentWidth,
            List<Integer> crossDivisors, double threshold, double start) {
        this(manager, wordAlphas, null, latentHeight, latentWidth, crossDivisors, threshold, start);
    }

    /**
     * @param subtractAlphas [n, L]: 1 at the token positions of the words whose region is taken out of the mask, or
     *     null for none
     */
    public LocalBlend(NDManager manager, float[][] wordAlphas, float[][] subtractAlphas, int latentHeight,
            int latentWidth, List<Integer> crossDivisors, double threshold, double start) {
        int divisor = mapDivisor(latentHeight, latentWidth, crossDivisors);
        this.mapHeight = latentHeight / divisor;
        this.mapWidth = latentWidth / divisor;
        this.manager = manager;
        this.wordAlphas = alphas(manager, wordAlphas);
        this.subtractAlphas = subtractAlphas == null ? null : alphas(manager, subtractAlphas);
        this.threshold = threshold;
        this.start = start;
        this.latentHeight = latentHeight;
        this.latentWidth = latentWidth;
    }

    /** [n, L] → [n, 1, 1, 1, L], broadcast over layers·heads, map rows and columns. */
    private static NDArray alphas(NDManager manager, float[][] perImage) {
        int n = perImage.length;
        int length = perImage[0].length;
        float[] flat = new float[n * length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(perImage[i], 0, flat, i * length, length);
        }
        return manager.create(flat, new Shape(n, 1, 1, 1, length));
    }

    /**
     * How much smaller than the latent the maps are. The reference reads the 16×16 layers of SD's 64×64
     * latent (a quarter) and pools them 3×3. A quarter of a small latent is too coarse for that pool: on a
     * 16×16 latent the maps are 4×4, one 3×3 maximum covers most of the map and the mask becomes all
     * ones (blending then changes nothing). Finer is not better either: coarse layers localise words best
     * (on the shapes model, a shape word's maps peak at 2.6–15× their mean on the 8×8 layers, at 1.5–1.9×
     * on the 16×16 ones, where the thresholded mask again covered everything). So: the coarsest
     * cross-attention layers with at least 8 cells on the shorter side — a quarter, the reference's
     * choice, on SD's 64×64 and 32×32 latents; 8×8 on the shapes model's 16×16 — or the finest there are.
     */
    static int mapDivisor(int latentHeight, int latentWidth, List<Integer> crossDivisors) {
        int shorter = Math.min(latentHeight, latentWidth);
        List<Integer> usable = crossDivisors.stream()
                .filter(d -> latentHeight % d == 0 && latentWidth % d == 0).sorted().toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("LocalBlend: no cross-attention layer of the UNet (divisors "
                    + crossDivisors + ") divides the " + latentHeight + "×" + latentWidth + " latent");
        }
        int chosen = usable.get(0);
        for (int divisor : usable) {
            if (shorter / divisor >= MIN_MAP_SIDE) {
                chosen = divisor;
            }
        }
        return chosen;
    }

    /**
     * Whether a layer's maps feed the mask: cross-attention of the down and up blocks at the maps'
     * resolution (the reference leaves the mid block out).
     */
    public boolean wants(AttentionSite site) {
        return site.cross() && site.place() != AttentionSite.Place.MID && site.height() == mapHeight
                && site.width() == mapWidth;
    }

    /** conditional maps [n, h, Nq, L] of a wanted layer, added to the running sum of that layer. */
    public void record(AttentionSite site, NDArray maps) {
        NDArray previous = storedMaps.get(site.path());
        NDArray sum;
        if (previous == null) {
            sum = maps.duplicate();
            sum.attach(manager);
        } else {
            sum = previous.add(maps);
            previous.close();
        }
        storedMaps.put(site.path(), sum);
    }

    /** latents [n, 4, h, w] after step {@code index} → the blended latents (image 0 is the source). */
    public NDArray apply(int index, int steps, NDArray latents) {
        if (index + 1 <= (int) (start * steps) || storedMaps.isEmpty()) {
            return latents;
        }
        NDList perLayer = new NDList();
        long n = latents.getShape().get(0);
        NDManager scope = latents.getManager();
        for (NDArray maps : storedMaps.values()) {
            // a view owned by the step's scope: what is computed from it is freed with the step
            NDArray view = maps.reshape(n, -1, mapHeight, mapWidth, maps.getShape().get(3));
            view.attach(scope);
            perLayer.add(view);
        }
        NDArray all = NDArrays.concat(perLayer, 1);
        NDArray union = mask(all, wordAlphas, true);
        if (subtractAlphas != null) {
            // the reference multiplies by the negated mask: 1 where none of the subtracted words' regions is
            union = union.mul(mask(all, subtractAlphas, false).neg().add(1));
        }
        NDArray source = latents.get("0:1");
        return source.add(union.mul(latents.sub(source)));
    }

    /**
     * maps [n, layers·heads, h', w', L] → the 0/1 mask [1, 1, h, w] of the words {@code alphas} selects: summed over
     * the words, averaged over layers and heads, optionally 3×3 max-pooled, upsampled to the latent (nearest),
     * normalised by its maximum, thresholded, and united over the batch (the reference's {@code mask[:1] + mask}).
     */
    private NDArray mask(NDArray maps, NDArray alphas, boolean pool) {
        NDArray words = maps.mul(alphas).sum(new int[] {4}).mean(new int[] {1}).expandDims(1);
        NDArray pooled = pool ? Pool.maxPool2d(words, new Shape(3, 3), new Shape(1, 1), new Shape(1, 1), false) : words;
        NDArray mask = pooled.repeat(2, latentHeight / mapHeight).repeat(3, latentWidth / mapWidth);
        NDArray maxima = mask.max(new int[] {3}, true).max(new int[] {2}, true);
        NDArray binary = mask.div(maxima).gt(threshold).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        return binary.max(new int[] {0}, true);
    }
}
