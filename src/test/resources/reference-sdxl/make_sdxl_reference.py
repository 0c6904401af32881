"""Builds the SDXL conformance fixture: tiny-sdxl/ (a StableDiffusionXLPipeline snapshot in the published layout)
and sdxl-cases.safetensors / sdxl-cases.json (reference tensors from diffusers' own pipeline components).

Issue 22. The snapshot is laid out as stabilityai/stable-diffusion-xl-base-1.0 publishes it: model_index.json
(StableDiffusionXLPipeline, force_zeros_for_empty_prompt), tokenizer/ and tokenizer_2/ as vocab.json + merges.txt
+ special_tokens_map.json + tokenizer_config.json (no tokenizer.json; tokenizer_2 pads with "!"), text_encoder/
(CLIPTextModel, quick_gelu), text_encoder_2/ (CLIPTextModelWithProjection, gelu, eos_token_id 2 as published, so
transformers pools at the argmax of the ids), unet/ (addition_embed_type text_time, transformer_layers_per_block
per level, per-level heads in attention_head_dim, use_linear_projection, no attention at the first level), vae/
(scaling_factor 0.13025, force_upcast) and scheduler/ (EulerDiscreteScheduler, as published; inversion builds a
DDIM scheduler from its betas, as the null-text pipeline does with from_config).

Sizes are small and varied so that a swapped dimension shows: text encoders 32 wide (3 layers, 4 heads) and 48
wide (2 layers, 3 heads, projection 40), so the context is 80 wide and the added embedding reads 40 + 6 × 8 = 88;
UNet levels (32, 64, 64) with 1, 1, 2 transformer layers and 2, 4, 8 heads.

The BPE vocabulary is ../reference/tokenizer-src (the tiny SD fixture's). Every parameter is moved off its
initial value (seeded), the UNet's conv_out scaled by 0.1 as in the SD fixture.

Needs torch, transformers and diffusers (its src/ on PYTHONPATH). Deterministic.
"""

import json
import os
import shutil
import sys

import torch
from safetensors.torch import save_file
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZER_SRC = os.path.join(HERE, "..", "reference", "tokenizer-src")
OUT = os.path.join(HERE, "tiny-sdxl")
CAPTIONS = ["a cat sitting next to a mirror", "a silver cat sculpture sitting next to a mirror", ""]
tensors, notes = {}, {}


def put(name, tensor, note):
    tensors[name] = tensor.detach().contiguous().float() if tensor.is_floating_point() else tensor.contiguous()
    notes[name] = {"shape": list(tensor.shape), "note": note}


def perturb(module, seed, scale=0.05):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(torch.randn(p.shape, generator=g) * scale)


vocab = json.load(open(os.path.join(TOKENIZER_SRC, "vocab.json")))
bos, eos = vocab["<|startoftext|>"], vocab["<|endoftext|>"]
tokenizer = CLIPTokenizer(vocab_file=os.path.join(TOKENIZER_SRC, "vocab.json"),
                          merges_file=os.path.join(TOKENIZER_SRC, "merges.txt"), model_max_length=77)
tokenizer_2 = CLIPTokenizer(vocab_file=os.path.join(TOKENIZER_SRC, "vocab.json"),
                            merges_file=os.path.join(TOKENIZER_SRC, "merges.txt"), model_max_length=77, pad_token="!")

torch.manual_seed(0)
text_encoder = CLIPTextModel(CLIPTextConfig(
    vocab_size=len(vocab), hidden_size=32, intermediate_size=37, num_hidden_layers=3, num_attention_heads=4,
    max_position_embeddings=77, hidden_act="quick_gelu", layer_norm_eps=1e-5, projection_dim=32,
    bos_token_id=bos, eos_token_id=eos, pad_token_id=1))
perturb(text_encoder, 1)
torch.manual_seed(0)
text_encoder_2 = CLIPTextModelWithProjection(CLIPTextConfig(
    vocab_size=len(vocab), hidden_size=48, intermediate_size=61, num_hidden_layers=2, num_attention_heads=3,
    max_position_embeddings=77, hidden_act="gelu", layer_norm_eps=1e-5, projection_dim=40,
    bos_token_id=0, eos_token_id=2, pad_token_id=1))
perturb(text_encoder_2, 2)

torch.manual_seed(0)
unet = UNet2DConditionModel(
    sample_size=16, in_channels=4, out_channels=4, layers_per_block=2, block_out_channels=(32, 64, 64),
    down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    transformer_layers_per_block=(1, 1, 2), attention_head_dim=(2, 4, 8), use_linear_projection=True,
    cross_attention_dim=80, addition_embed_type="text_time", addition_time_embed_dim=8,
    projection_class_embeddings_input_dim=88, norm_num_groups=32, flip_sin_to_cos=True, freq_shift=0,
    upcast_attention=False)
perturb(unet, 3)
with torch.no_grad():
    unet.conv_out.weight.mul_(0.1)
    unet.conv_out.bias.mul_(0.1)

torch.manual_seed(0)
vae = AutoencoderKL(
    in_channels=3, out_channels=3, latent_channels=4, layers_per_block=1, norm_num_groups=32, sample_size=128,
    block_out_channels=(32, 32, 64, 64), down_block_types=("DownEncoderBlock2D",) * 4,
    up_block_types=("UpDecoderBlock2D",) * 4, scaling_factor=0.13025, force_upcast=True)
perturb(vae, 4)
for m in (text_encoder, text_encoder_2, unet, vae):
    m.eval()

scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                   steps_offset=1, timestep_spacing="leading", interpolation_type="linear",
                                   prediction_type="epsilon", use_karras_sigmas=False)
pipe = StableDiffusionXLPipeline(vae=vae, text_encoder=text_encoder, text_encoder_2=text_encoder_2,
                                 tokenizer=tokenizer, tokenizer_2=tokenizer_2, unet=unet, scheduler=scheduler,
                                 force_zeros_for_empty_prompt=True)
shutil.rmtree(OUT, ignore_errors=True)
pipe.save_pretrained(OUT, safe_serialization=True)

# the tokenizers as the published snapshot has them: vocab.json + merges.txt + special_tokens_map.json +
# tokenizer_config.json, no tokenizer.json
for folder, pad in (("tokenizer", "<|endoftext|>"), ("tokenizer_2", "!")):
    d = os.path.join(OUT, folder)
    shutil.rmtree(d)
    os.makedirs(d)
    shutil.copy(os.path.join(TOKENIZER_SRC, "vocab.json"), d)
    shutil.copy(os.path.join(TOKENIZER_SRC, "merges.txt"), d)
    special = {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": pad,
               "unk_token": "<|endoftext|>"}
    json.dump(special, open(os.path.join(d, "special_tokens_map.json"), "w"), indent=2)
    json.dump({"add_prefix_space": False, "bos_token": "<|startoftext|>", "clean_up_tokenization_spaces": True,
               "do_lower_case": True, "eos_token": "<|endoftext|>", "errors": "replace", "model_max_length": 77,
               "pad_token": pad, "tokenizer_class": "CLIPTokenizer", "unk_token": "<|endoftext|>"},
              open(os.path.join(d, "tokenizer_config.json"), "w"), indent=2)

# everything below from the snapshot as written, loaded back the way a user loads it
pipe = StableDiffusionXLPipeline.from_pretrained(OUT)
assert "tokenizer.json" not in os.listdir(os.path.join(OUT, "tokenizer_2"))
token_cases = []
for caption in CAPTIONS:
    token_cases.append({"caption": caption,
                        "input_ids": pipe.tokenizer(caption, padding="max_length", max_length=77, truncation=True)["input_ids"],
                        "input_ids_2": pipe.tokenizer_2(caption, padding="max_length", max_length=77, truncation=True)["input_ids"]})

with torch.no_grad():
    ids = pipe.tokenizer(CAPTIONS, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    ids_2 = pipe.tokenizer_2(CAPTIONS, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    put("sdxl.input_ids", ids.int(), "tokenizer(CAPTIONS), max_length 77")
    put("sdxl.input_ids_2", ids_2.int(), "tokenizer_2(CAPTIONS): pads with '!'")
    out_1 = pipe.text_encoder(ids, output_hidden_states=True)
    out_2 = pipe.text_encoder_2(ids_2, output_hidden_states=True)
    put("sdxl.text_encoder.penultimate", out_1.hidden_states[-2], "text_encoder(ids).hidden_states[-2]")
    put("sdxl.text_encoder_2.penultimate", out_2.hidden_states[-2], "text_encoder_2(ids_2).hidden_states[-2]")
    put("sdxl.text_encoder_2.last_hidden_state", out_2.last_hidden_state, "after the final layer norm")
    put("sdxl.text_encoder_2.text_embeds", out_2.text_embeds, "the pooled projection (argmax of the ids: eos_token_id 2)")
    for i, caption in enumerate(CAPTIONS[:2]):
        pe, ne, pp, npool = pipe.encode_prompt(caption, device="cpu", num_images_per_prompt=1,
                                               do_classifier_free_guidance=True)
        put(f"sdxl.encode_prompt.{i}.prompt_embeds", pe, f"encode_prompt({caption!r})[0]")
        put(f"sdxl.encode_prompt.{i}.pooled_prompt_embeds", pp, "encode_prompt(...)[2]")
        assert torch.count_nonzero(ne) == 0 and torch.count_nonzero(npool) == 0
    # the unconditional branch without force_zeros_for_empty_prompt: the encoded ""
    pipe.register_to_config(force_zeros_for_empty_prompt=False)
    _, ne, _, npool = pipe.encode_prompt(CAPTIONS[0], device="cpu", num_images_per_prompt=1,
                                         do_classifier_free_guidance=True)
    put("sdxl.encode_prompt.empty.negative_prompt_embeds", ne, "encode_prompt(..)[1], force_zeros_for_empty_prompt False")
    put("sdxl.encode_prompt.empty.negative_pooled_prompt_embeds", npool, "encode_prompt(..)[3], the same")
    pipe.register_to_config(force_zeros_for_empty_prompt=True)

    time_ids = pipe._get_add_time_ids((120, 128), (4, 0), (128, 128), torch.float32,
                                      text_encoder_projection_dim=pipe.text_encoder_2.config.projection_dim)
    put("sdxl.add_time_ids", time_ids, "_get_add_time_ids(original (120, 128), crop (4, 0), target (128, 128))")

    g = torch.Generator().manual_seed(5)
    sample = torch.randn(2, 4, 16, 16, generator=g)
    context = torch.cat([tensors["sdxl.encode_prompt.0.prompt_embeds"], tensors["sdxl.encode_prompt.1.prompt_embeds"]])
    pooled = torch.cat([tensors["sdxl.encode_prompt.0.pooled_prompt_embeds"],
                        tensors["sdxl.encode_prompt.1.pooled_prompt_embeds"]])
    put("sdxl.unet.sample", sample, "randn [2, 4, 16, 16], seed 5")
    for t in (981, 301):
        out = pipe.unet(sample, t, encoder_hidden_states=context,
                        added_cond_kwargs={"text_embeds": pooled, "time_ids": time_ids.repeat(2, 1)}).sample
        put(f"sdxl.unet.out_t{t}", out, f"unet(sample, {t}, context of both captions, added_cond_kwargs)")

# DDIM sampling with classifier-free guidance, the whole chain: encode_prompt (zeros for the unconditional branch),
# the default time ids of a 128² render, the text_time UNet and DDIMScheduler.from_config of the published Euler
# config with clip_sample False (as the Java reads a non-DDIM scheduler file, and as the null-text reference does)
from diffusers import DDIMScheduler  # noqa: E402

SAMPLE_STEPS = 4
ddim_pipe = StableDiffusionXLPipeline(vae=pipe.vae, text_encoder=pipe.text_encoder, text_encoder_2=pipe.text_encoder_2,
                                      tokenizer=pipe.tokenizer, tokenizer_2=pipe.tokenizer_2, unet=pipe.unet,
                                      scheduler=DDIMScheduler.from_config(pipe.scheduler.config, clip_sample=False),
                                      force_zeros_for_empty_prompt=True)
g = torch.Generator().manual_seed(6)
start = torch.randn(1, 4, 16, 16, generator=g)
with torch.no_grad():
    latents = ddim_pipe(CAPTIONS[0], num_inference_steps=SAMPLE_STEPS, guidance_scale=7.5, latents=start.clone(),
                        height=128, width=128, output_type="latent").images
    latents_1 = ddim_pipe(CAPTIONS[1], num_inference_steps=SAMPLE_STEPS, guidance_scale=7.5, latents=start.clone(),
                          height=128, width=128, output_type="latent").images
put("sdxl.sample.start", start, "x_T, randn seed 6")
put("sdxl.sample.latents_1", latents_1, "the same for CAPTIONS[1]: what an edit with empty control windows renders")
put("sdxl.sample.latents", latents, f"StableDiffusionXLPipeline(CAPTIONS[0], {SAMPLE_STEPS} DDIM steps, guidance 7.5,"
    " 128², output_type latent)")
notes["sdxl.sample.settings"] = {"caption": CAPTIONS[0], "steps": SAMPLE_STEPS, "guidance_scale": 7.5,
                                 "time_ids": [128, 128, 0, 0, 128, 128]}

# DDIM inversion and per-step null-text optimization (Mokady et al. Algorithm 1) on SDXL: the community
# NullTextPipeline's own loops (ddim_inversion_loop, null_optimization, prev_step, next_step), given SDXL's
# conditioning. Its UNet calls get the added conditions of their branch (the empty prompt's pooled embedding, zeros
# here, for ∅; the caption's for C; the time ids of a 128² photo for both), image2latent uses the VAE's own
# scaling_factor (the community file hard-codes SD's 0.18215), and ∅ starts from what encode_prompt gives the
# unconditional branch (zeros, force_zeros_for_empty_prompt). The pooled embedding and the time ids stay as built.
sys.path.insert(0, os.environ.get("DIFFUSERS_COMMUNITY", "/work/diffusers/examples/community"))
from pipeline_null_text_inversion import NullTextPipeline  # noqa: E402
from PIL import Image  # noqa: E402
import numpy as np  # noqa: E402

NTI_STEPS, NTI_INNER, NTI_EPS = 6, 4, 1e-5
NTI_CAPTION = CAPTIONS[0]
photo = Image.open(os.path.join(HERE, "..", "reference", "chelsea-256.png")).convert("RGB").resize((128, 128),
                                                                                                   Image.BICUBIC)
photo.save(os.path.join(HERE, "chelsea-128.png"))
cond_embeds, _, cond_pooled, _ = pipe.encode_prompt(NTI_CAPTION, device="cpu", do_classifier_free_guidance=True)
uncond_embeds = torch.zeros_like(cond_embeds)
uncond_pooled = torch.zeros_like(cond_pooled)
nti_time_ids = pipe._get_add_time_ids((128, 128), (0, 0), (128, 128), torch.float32,
                                      text_encoder_projection_dim=pipe.text_encoder_2.config.projection_dim)


class AddedConditionsUNet(torch.nn.Module):
    """The SDXL UNet as the community pipeline calls it (sample, t, encoder_hidden_states): batch 2 is [∅, C];
    a batch of 1 is C when its context is the caption's, else ∅."""

    def __init__(self, unet):
        super().__init__()
        self.inner = unet
        self.config = unet.config

    @property
    def device(self):
        return self.inner.device

    @property
    def dtype(self):
        return self.inner.dtype

    def forward(self, sample, t, encoder_hidden_states):
        if sample.shape[0] == 2:
            pooled = torch.cat([uncond_pooled, cond_pooled])
        else:
            pooled = cond_pooled if torch.equal(encoder_hidden_states, cond_embeds) else uncond_pooled
        return self.inner(sample, t, encoder_hidden_states=encoder_hidden_states,
                          added_cond_kwargs={"text_embeds": pooled,
                                             "time_ids": nti_time_ids.repeat(sample.shape[0], 1)})


class XlNullTextPipeline(NullTextPipeline):
    def get_context(self, prompt):
        return torch.cat([uncond_embeds, cond_embeds])

    @torch.no_grad()
    def image2latent(self, image_path):
        image = torch.from_numpy(np.array(Image.open(image_path).convert("RGB"))).float() / 127.5 - 1
        image = image.permute(2, 0, 1).unsqueeze(0)
        return self.vae.encode(image)["latent_dist"].mean * self.vae.config.scaling_factor


nti = XlNullTextPipeline(vae=pipe.vae, text_encoder=pipe.text_encoder, tokenizer=pipe.tokenizer, unet=pipe.unet,
                         scheduler=DDIMScheduler.from_config(pipe.scheduler.config, clip_sample=False),
                         safety_checker=None, feature_extractor=None, requires_safety_checker=False)
object.__setattr__(nti, "unet", AddedConditionsUNet(pipe.unet))
photo_path = os.path.join("/tmp", "sdxl-chelsea-128.png")
photo.save(photo_path)
if os.path.exists(photo_path + ".pt"):
    os.remove(photo_path + ".pt")
nti.num_inference_steps = NTI_STEPS
z0 = nti.image2latent(photo_path)
trajectory = nti.ddim_inversion_loop(z0, nti.get_context(NTI_CAPTION))
x_T, null_embeddings = nti.invert(photo_path, NTI_CAPTION, num_inner_steps=NTI_INNER, early_stop_epsilon=NTI_EPS,
                                  num_inference_steps=NTI_STEPS)
put("sdxl.nti.z0", z0, "vae.encode(chelsea-128).latent_dist.mean * scaling_factor (0.13025)")
put("sdxl.nti.ddim_trajectory", torch.cat(trajectory), f"DDIM inversion z0..zT at guidance 1, {NTI_STEPS} steps")
put("sdxl.nti.null_embeddings", null_embeddings, f"optimized ∅ per step [{NTI_STEPS}, 1, 77, 80], from zeros")
with torch.no_grad():
    # the caption's SDXL embeddings given, so that __call__'s SD encode_prompt only passes them through
    rec = nti(None, null_embeddings, x_T, num_inference_steps=NTI_STEPS, guidance_scale=7.5, output_type="latent",
              prompt_embeds=cond_embeds, negative_prompt_embeds=uncond_embeds).images
    plain = nti(None, uncond_embeds.expand(NTI_STEPS, 1, 77, 80), x_T, num_inference_steps=NTI_STEPS,
                guidance_scale=7.5, output_type="latent", prompt_embeds=cond_embeds,
                negative_prompt_embeds=uncond_embeds).images
put("sdxl.nti.reconstruction_latent", rec, "sampling from x_T with the optimized ∅ (the pipeline's __call__)")
notes["sdxl.nti.settings"] = {"caption": NTI_CAPTION, "steps": NTI_STEPS, "inner_steps": NTI_INNER,
                              "early_stop_epsilon": NTI_EPS, "guidance_scale": 7.5,
                              "time_ids": [128, 128, 0, 0, 128, 128],
                              "mse_to_z0_optimized": float(((rec - z0) ** 2).mean()),
                              "mse_to_z0_plain": float(((plain - z0) ** 2).mean())}
print("null-text on SDXL: mse to z0", notes["sdxl.nti.settings"]["mse_to_z0_plain"], "->",
      notes["sdxl.nti.settings"]["mse_to_z0_optimized"])

save_file(tensors, os.path.join(HERE, "sdxl-cases.safetensors"))
json.dump({"captions": CAPTIONS, "tokenizer_cases": token_cases, "tensors": notes,
           "versions": {"torch": torch.__version__, "transformers": __import__("transformers").__version__,
                        "diffusers": __import__("diffusers").__version__}},
          open(os.path.join(HERE, "sdxl-cases.json"), "w"), indent=1)
print("wrote", len(tensors), "tensors")
for k, v in tensors.items():
    print(f"  {k} {tuple(v.shape)}")
