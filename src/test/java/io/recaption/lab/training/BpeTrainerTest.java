package io.recaption.lab.training;

import io.recaption.model.clip.ClipTokenizer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.lab.snapshots.RandomSnapshot;
import io.recaption.lab.shapes.CaptionGrammar;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class BpeTrainerTest {

    @Test
    void everyGrammarWordIsOneTokenAndOtherWordsFallBackToBytes(@TempDir Path dir) throws Exception {
        List<String> words = CaptionGrammar.words();
        BpeTrainer.Vocabulary vocabulary = BpeTrainer.learn(words);
        BpeTrainer.write(vocabulary, dir);
        RandomSnapshot.writeTokenizerConfig(dir);
        ClipTokenizer tokenizer = ClipTokenizer.load(dir);
        for (String word : words) {
            assertEquals(1, tokenizer.bpe(word).size(), "'" + word + "' → " + tokenizer.bpe(word));
        }
        String caption = "a small yellow triangle at the left of a green square on a white background";
        assertEquals(caption.split(" ").length, tokenizer.bpe(caption).size());
        // distinct words, distinct tokens
        assertEquals(words.size(), words.stream().map(tokenizer::bpe).distinct().count());
        // a word outside the grammar is still encoded (by its pieces), not refused
        assertTrue(tokenizer.bpe("zebra").size() > 1);
        int size = vocabulary.ids().size();
        assertEquals(size - 2, tokenizer.bosId());
        assertEquals(size - 1, tokenizer.eosId());
        System.out.printf("BPE: %d words → %d merges, %d symbols%n", words.size(), vocabulary.merges().size(), size);
    }
}
