package io.recaption.model.blip;

import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How a caption is decoded, as transformers' {@code GenerationConfig} says for the fields that
 * greedy and beam search read. The defaults are transformers' (length penalty 1.0, early stopping
 * false); a snapshot's {@code generation_config.json} may change the last two.
 *
 * @param maxNewTokens tokens generated after the prompt at most ({@code max_new_tokens}); the
 *     stop token counts as one
 * @param numBeams 1 for greedy search, more for beam search
 * @param lengthPenalty a finished beam's score is its summed log-probability divided by
 *     (generated length)^lengthPenalty; &gt; 0 favours longer captions
 * @param earlyStopping when beam search may stop before {@code maxNewTokens}
 * @param useCache decode with a key/value cache (each step feeds one token) rather than re-running
 *     the whole sequence each step; the tokens are the same
 */
public record GenerationSettings(int maxNewTokens, int numBeams, double lengthPenalty, EarlyStopping earlyStopping,
        boolean useCache) {

    /** transformers' {@code early_stopping}: {@code True}, {@code False} or {@code "never"}. */
    public enum EarlyStopping {
        /** stop as soon as {@code numBeams} finished captions exist */
        TRUE,
        /** stop when the best running beam, at its current length, can no longer beat the worst finished one */
        FALSE,
        /** as FALSE, but judging the running beam at the longest length it could reach (canonical beam search) */
        NEVER
    }

    public static final String FILE = "generation_config.json";

    public GenerationSettings {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be at least 1, found " + maxNewTokens);
        }
        if (numBeams < 1) {
            throw new IllegalArgumentException("beams must be at least 1, found " + numBeams);
        }
        if (!Double.isFinite(lengthPenalty)) {
            throw new IllegalArgumentException("length penalty must be finite, found " + lengthPenalty);
        }
        if (earlyStopping == null) {
            throw new IllegalArgumentException("early stopping must be given");
        }
    }

    /** Greedy or beam search with transformers' defaults and a cache. */
    public static GenerationSettings of(int maxNewTokens, int numBeams) {
        return new GenerationSettings(maxNewTokens, numBeams, 1.0, EarlyStopping.FALSE, true);
    }

    /** {@link #of} with the length penalty and early stopping of the snapshot's generation config, if it has one. */
    public static GenerationSettings of(Path snapshotDir, int maxNewTokens, int numBeams) {
        Path file = snapshotDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return of(maxNewTokens, numBeams);
        }
        JsonConfig json = JsonConfig.read(file);
        return new GenerationSettings(maxNewTokens, numBeams, json.doubleValue("length_penalty", 1.0),
                earlyStopping(json), true);
    }

    /** These settings with another length limit and beam count. */
    public GenerationSettings with(int newMaxNewTokens, int newNumBeams) {
        return new GenerationSettings(newMaxNewTokens, newNumBeams, lengthPenalty, earlyStopping, useCache);
    }

    public GenerationSettings withCache(boolean cache) {
        return new GenerationSettings(maxNewTokens, numBeams, lengthPenalty, earlyStopping, cache);
    }

    /** {@code early_stopping} is a JSON boolean or the string "never". */
    private static EarlyStopping earlyStopping(JsonConfig json) {
        String key = "early_stopping";
        try {
            return json.boolValue(key, false) ? EarlyStopping.TRUE : EarlyStopping.FALSE;
        } catch (WeightLoadException notABoolean) {
            String value = json.stringValue(key);
            if (!"never".equals(value.toLowerCase(Locale.ROOT))) {
                throw new WeightLoadException(json.source() + ": '" + key + "' must be true, false or \"never\", found "
                        + value, notABoolean);
            }
            return EarlyStopping.NEVER;
        }
    }
}
