"""Reference outputs of diffusers' UNet2DConditionModel on tiny-sd's UNet for paths that the shared
reference cases do not reach: a latent not divisible by 8 (the upsamplers get diffusers' explicit
upsample_size), a fractional timestep, and a config variant that changes only options (same weights);
and a second small random UNet, saved to tiny-unet-transformer-layers/, with two transformer layers in
its inner level (transformer_layers_per_block [1, 2]) and per-block cross_attention_dim.

Run from the repository root with torch, safetensors and diffusers importable:
    python3 src/test/resources/unet-variants/make_unet_variants.py
"""
import json
import os
import shutil
import tempfile

import torch
from diffusers import UNet2DConditionModel
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "reference")
UNET = os.path.join(REFERENCE, "tiny-sd", "unet")

# UNetVariantsTest applies the same edits to a copy of tiny-sd/unet/config.json
VARIANT = dict(downsample_padding=0, mid_block_scale_factor=1.41421, center_input_sample=True,
               freq_shift=1, flip_sin_to_cos=False, upcast_attention=True)

cases = load_file(os.path.join(REFERENCE, "cases.safetensors"))
sample = cases["unet.sample"]
context = cases["unet.encoder_hidden_states"]
odd = torch.randn(1, 4, 36, 44, generator=torch.Generator().manual_seed(7))
out = {"odd.sample": odd}

with torch.no_grad(), tempfile.TemporaryDirectory() as tmp:
    base = UNet2DConditionModel.from_pretrained(UNET).eval()
    out["odd.out_t501"] = base(odd, 501, encoder_hidden_states=context[0:1]).sample
    out["fractional.out_t500_5"] = base(sample, 500.5, encoder_hidden_states=context).sample
    shutil.copy(os.path.join(UNET, "diffusion_pytorch_model.safetensors"), tmp)
    with open(os.path.join(UNET, "config.json")) as f:
        config = json.load(f)
    config.update(VARIANT)
    with open(os.path.join(tmp, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    variant = UNet2DConditionModel.from_pretrained(tmp).eval()
    out["variant.out_t501"] = variant(odd, 501, encoder_hidden_states=context[0:1]).sample

    torch.manual_seed(11)
    layered = UNet2DConditionModel(
        sample_size=16, block_out_channels=(32, 32), layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=[32, 32], attention_head_dim=[2, 4], transformer_layers_per_block=[1, 2],
        norm_num_groups=32).eval()
    for p in layered.parameters():  # move every weight off its initial value, as make_reference.py does
        p.add_(0.05 * torch.randn_like(p))
    layered.save_pretrained(os.path.join(HERE, "tiny-unet-transformer-layers"), safe_serialization=True)
    out["layered.sample"] = torch.randn(1, 4, 16, 16, generator=torch.Generator().manual_seed(13))
    out["layered.out_t301"] = layered(out["layered.sample"], 301, encoder_hidden_states=context[0:1]).sample

save_file({k: v.contiguous() for k, v in out.items()}, os.path.join(HERE, "unet-variants.safetensors"),
          metadata={"torch": torch.__version__, "diffusers": __import__("diffusers").__version__})
