package io.recaption.cli;

import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.DiffusionModel;
import io.recaption.editing.CaptionEdit;
import io.recaption.editing.EditSettings;
import io.recaption.pipeline.EditManifest;
import io.recaption.pipeline.Manifests;
import io.recaption.pipeline.Recaptioner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edit}: render an edited caption from an inversion folder. */
@Command(name = "edit", mixinStandardHelpOptions = true,
        description = "Render an edited caption from an inversion folder with Prompt-to-Prompt. Same word count as"
                + " the source caption: word swap; otherwise: refinement (added words). Emphasis with"
                + " --emphasis word=factor or inline (word:factor).")
public class EditCommand implements Callable<Integer> {

    @Option(names = "--model", required = true,
            description = "snapshot folder; it must be the model that made the inversion (the manifest records its hash)")
    Path model;

    @Mixin
    PrecisionOption dtype = new PrecisionOption();

    @Option(names = "--inversion", required = true, description = "a folder written by `invert`")
    Path inversion;

    @Option(names = "--caption", required = true, description = "the edited caption")
    String caption;

    @Option(names = "--emphasis", description = "WORD=FACTOR: scale a word's attention (repeatable)")
    List<String> emphasis = new ArrayList<>();

    @Option(names = "--blend", description = "WORD: keep the image outside what WORD attends to (LocalBlend; repeatable)")
    List<String> blend = new ArrayList<>();

    @Option(names = "--blend-except", description = "WORD: within the --blend region, keep what WORD attends to as well"
            + " (e.g. --blend background --blend-except cat; repeatable)")
    List<String> blendExcept = new ArrayList<>();

    @Option(names = "--cross-replace", defaultValue = "0.8",
            description = "fraction of steps with cross-attention replaced (default: ${DEFAULT-VALUE})")
    double crossReplace;

    @Option(names = "--self-replace", defaultValue = "0.4",
            description = "fraction of steps with self-attention replaced (default: ${DEFAULT-VALUE})")
    double selfReplace;

    @Option(names = "--self-replace-max", defaultValue = "0.5",
            description = "largest layer side, as a fraction of the latent side, whose self-attention is replaced"
                    + " (default: ${DEFAULT-VALUE}: 32² layers of a 64² latent)")
    double selfReplaceMax;

    @Option(names = "--emphasis-cross-attention-only",
            description = "weigh words below 1 in the UNet's cross-attention only, as the Prompt-to-Prompt reference"
                    + " does (default: in the text encoder too, so that the word's meaning leaves the tokens after it)")
    boolean emphasisCrossAttentionOnly;

    @Option(names = "--guidance", defaultValue = "7.5", description = "guidance scale (default: ${DEFAULT-VALUE})")
    float guidance;

    @Option(names = "--out", required = true, description = "output PNG")
    Path out;

    @Override
    public Integer call() throws Exception {
        Map<String, Float> factors = new LinkedHashMap<>();
        for (String item : emphasis) {
            int eq = item.lastIndexOf('=');
            if (eq <= 0) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--emphasis takes WORD=FACTOR, got '" + item + "'");
            }
            String word = item.substring(0, eq);
            factors.put(word, CaptionEdit.parseFactor(word, item.substring(eq + 1)));
        }
        EditSettings settings = EditSettings.defaults().withCrossReplaceSteps(crossReplace)
                .withSelfReplaceSteps(selfReplace).withSelfReplaceMaxFraction(selfReplaceMax).withGuidance(guidance)
                .withEmphasisDownInEncoder(!emphasisCrossAttentionOnly);
        Arguments.existingFolder("--inversion", inversion, "give a folder written by `invert --out`");
        Path modelDir = Arguments.existingFolder("--model", model, Arguments.MODEL_HINT);
        try (DiffusionModel sd = DiffusionModel.load(modelDir, dtype.precision())) {
            Recaptioner recaptioner = new Recaptioner(sd, ImageFiles.Limits.defaults());
            EditManifest manifest = recaptioner.edit(inversion, new Recaptioner.EditRequest(caption, factors, blend,
                    blendExcept),
                    settings, out, new TerminalProgress(System.out));
            System.out.println(new String(Manifests.bytes(manifest), java.nio.charset.StandardCharsets.UTF_8));
            System.out.println("edited image written to " + out.toAbsolutePath());
        }
        return 0;
    }
}
