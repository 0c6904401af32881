package io.recaption.lab.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A Hugging Face tokenizers {@code tokenizer.json} for a BERT WordPiece vocabulary, as
 * {@code BertTokenizerFast} saves one: BERT's normalizer (lower case) and pre-tokenizer, the WordPiece model,
 * {@code [CLS] $A [SEP]} post-processing and the WordPiece decoder. The special tokens (the first
 * {@code specials} ids and {@code extraSpecial}) are added tokens, never split.
 */
final class CaptionerTokenizerJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CaptionerTokenizerJson() {}

    static ObjectNode of(List<String> vocabulary, int specials, int extraSpecial) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < vocabulary.size(); id++) {
            if (id < specials || id == extraSpecial) {
                ObjectNode token = added.addObject();
                token.put("id", id);
                token.put("content", vocabulary.get(id));
                token.put("single_word", false);
                token.put("lstrip", false);
                token.put("rstrip", false);
                token.put("normalized", false);
                token.put("special", true);
            }
        }
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "BertNormalizer");
        normalizer.put("clean_text", true);
        normalizer.put("handle_chinese_chars", true);
        normalizer.putNull("strip_accents");
        normalizer.put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, "[CLS]", 0);
        sequence(single, "A", 0);
        special(single, "[SEP]", 0);
        ArrayNode pair = post.putArray("pair");
        special(pair, "[CLS]", 0);
        sequence(pair, "A", 0);
        special(pair, "[SEP]", 0);
        sequence(pair, "B", 1);
        special(pair, "[SEP]", 1);
        ObjectNode specialTokens = post.putObject("special_tokens");
        for (String token : List.of("[CLS]", "[SEP]")) {
            ObjectNode entry = specialTokens.putObject(token);
            entry.put("id", token);
            entry.putArray("ids").add(vocabulary.indexOf(token));
            entry.putArray("tokens").add(token);
        }
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "WordPiece");
        decoder.put("prefix", "##");
        decoder.put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece");
        model.put("unk_token", "[UNK]");
        model.put("continuing_subword_prefix", "##");
        model.put("max_input_chars_per_word", 100);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < vocabulary.size(); id++) {
            vocab.put(vocabulary.get(id), id);
        }
        return root;
    }

    private static void special(ArrayNode template, String token, int typeId) {
        ObjectNode inner = template.addObject().putObject("SpecialToken");
        inner.put("id", token);
        inner.put("type_id", typeId);
    }

    private static void sequence(ArrayNode template, String id, int typeId) {
        ObjectNode inner = template.addObject().putObject("Sequence");
        inner.put("id", id);
        inner.put("type_id", typeId);
    }
}
