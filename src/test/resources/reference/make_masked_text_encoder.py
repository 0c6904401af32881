"""Builds the text-encoder key-weight case: masked-text-encoder.safetensors.

Emphasis down weighs a word in the text encoder too (ClipTextModel.forward(ids, keyWeights)): a weight w on
token k adds log w to every later query's causal-mask entry for k, in every layer; w = 0 hides k from the
tokens after it. transformers' CLIPTextModel hides a key from every query when its attention_mask is 0, k's
own query included, and so differs from the Java encoder only in k's own state, which no later token reads.
So, with the word's tokens masked, every other position of the reference's last_hidden_state is the Java
encoder's with weight 0 there.

Inputs: tiny-sd/text_encoder and text_encoder.input_ids from cases.safetensors (rows 1 and 2: "a cat sitting
next to a mirror", "a silver cat sculpture sitting next to a mirror"). Needs torch, transformers, safetensors.
Deterministic.
"""

import os

import torch
from safetensors.torch import load_file, save_file
from transformers import CLIPTextModel

HERE = os.path.dirname(os.path.abspath(__file__))
# token 2 of each caption: "cat" in row 1, "silver" in row 2 (row 0 is the empty caption)
HIDDEN = [2, 2]


def main():
    ids = load_file(os.path.join(HERE, "cases.safetensors"))["text_encoder.input_ids"][1:3].long()
    model = CLIPTextModel.from_pretrained(os.path.join(HERE, "tiny-sd", "text_encoder")).eval()
    mask = torch.ones_like(ids)
    for row, k in enumerate(HIDDEN):
        mask[row, k] = 0
    with torch.no_grad():
        plain = model(input_ids=ids).last_hidden_state
        masked = model(input_ids=ids, attention_mask=mask).last_hidden_state
    for row, k in enumerate(HIDDEN):
        before = (plain[row, :k + 1] - masked[row, :k + 1]).abs().max().item()
        after = (plain[row, k + 1:] - masked[row, k + 1:]).abs().max().item()
        print(f"row {row}: token {k} hidden; change before it {before:.2e}, after it {after:.2e}")
    save_file({"masked.input_ids": ids.int().contiguous(), "masked.hidden_token": torch.tensor(HIDDEN, dtype=torch.int32),
               "masked.last_hidden_state": masked.contiguous()},
              os.path.join(HERE, "masked-text-encoder.safetensors"))


if __name__ == "__main__":
    main()
