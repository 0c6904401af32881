"""Beam-search captions of the BLIP fixture by transformers, the oracle of the Java BeamSearch (the shared fixture has
greedy captions only).

Usage: python make_beam_reference.py   (in this folder; torch and transformers 5.18 as for make_blip_reference.py)
Writes beam-cases.json. The random-weight fixture model never ends a caption on its own, so most cases first add
`sep_boost` to the LM head's bias of [SEP] (text_decoder.cls.predictions.bias[sep_token_id]): captions then end at
different lengths and the finished-beam bookkeeping, the length penalty and the early-stopping rules all matter.
The Java test makes the same edit to a copy of the snapshot.
"""
import itertools, json
import torch, transformers
from safetensors.torch import load_file
from transformers import BertTokenizer, BlipForConditionalGeneration

torch.set_num_threads(1)
model = BlipForConditionalGeneration.from_pretrained("model").eval()
pixel_values = load_file("blip-cases.safetensors")["blip.pixel_values"]
tokenizer = BertTokenizer.from_pretrained("model")
sep = model.config.text_config.sep_token_id
bias = model.text_decoder.cls.predictions.bias
original = bias.detach().clone()
cases = []
with torch.no_grad():
    for boost in [0.0, 1.5, 2.0, 2.5]:
        bias.copy_(original)
        bias[sep] += boost
        for prompt in [None, "a picture of"]:
            for beams, penalty, early in itertools.product([2, 3, 4], [1.0, 0.0, 2.0, -1.0], [False, True, "never"]):
                input_ids = tokenizer(prompt, return_tensors="pt").input_ids if prompt else None
                out = model.generate(pixel_values=pixel_values, input_ids=input_ids, max_new_tokens=12, num_beams=beams,
                                     length_penalty=penalty, early_stopping=early, do_sample=False)
                ids = out[0].tolist()
                cases.append({"sep_boost": boost, "prompt": prompt or "", "num_beams": beams, "length_penalty": penalty,
                              "early_stopping": early, "max_new_tokens": 12, "ids": ids,
                              "text": tokenizer.decode(ids, skip_special_tokens=True)})
with open("beam-cases.json", "w") as f:  # one case a line
    f.write('{"versions": ' + json.dumps({"torch": torch.__version__, "transformers": transformers.__version__})
            + ',\n "cases": [\n' + ",\n".join(json.dumps(c) for c in cases) + "\n]}\n")
print(len(cases), "cases;", sum(sep in c["ids"] for c in cases), "end with [SEP]")
