"""Times Stable Diffusion's components with diffusers on a snapshot, as `recaption benchmark` does in Java.

For comparison only: the project runs no Python. Needs torch, transformers and diffusers importable.
Both programs time the same calls on inputs of the same shapes, warm, and print the median and the fastest
of the timed calls; both can write the figures as JSON, and `--against` prints our time over the reference's
for each component, so one run of each gives the ratios:

    java -jar target/quarkus-app/quarkus-run.jar benchmark --model /tmp/sd15 --json /tmp/ours.json
    PYTHONPATH=/path/to/diffusers/src python3 bench/components.py --model /tmp/sd15 --against /tmp/ours.json

The components (batch 1, as one null-text inversion step calls them): the text encoder on one caption's
77 ids; the VAE encoder on one image (the posterior's mean); one UNet forward without gradients; one UNet
forward and backward to the text context with frozen weights (a null-text optimization step); the VAE
decoder on one latent. Weights frozen everywhere: the reference would otherwise also compute weight
gradients, which no inversion needs.
"""

import argparse
import json
import resource
import statistics
import time

import torch

from diffusers import AutoencoderKL, UNet2DConditionModel
from transformers import CLIPTextModel, CLIPTokenizer

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
CAPTION = "a cat sitting next to a mirror"


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(run, warmup, iterations):
    for _ in range(warmup):
        run()
    millis = []
    for _ in range(iterations):
        start = time.perf_counter()
        run()
        millis.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(millis), "min_ms": min(millis)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--size", type=int, help="image side (default: the UNet's sample size × 8)")
    parser.add_argument("--dtype", default="float32", choices=sorted(DTYPES))
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip", default="", type=lambda s: [n for n in s.split(",") if n],
                        help="components not to time, comma-separated (the names `recaption benchmark --skip` takes)")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--against", help="JSON written by `recaption benchmark --json`: print ours / reference")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    dtype = DTYPES[args.dtype]

    start = time.perf_counter()
    tokenizer = CLIPTokenizer.from_pretrained(args.model, subfolder="tokenizer")
    text_encoder = CLIPTextModel.from_pretrained(args.model, subfolder="text_encoder", torch_dtype=dtype)
    unet = UNet2DConditionModel.from_pretrained(args.model, subfolder="unet", torch_dtype=dtype)
    vae = AutoencoderKL.from_pretrained(args.model, subfolder="vae", torch_dtype=dtype)
    for module in (text_encoder, unet, vae):
        module.requires_grad_(False)
        module.eval()
    loaded_ms = (time.perf_counter() - start) * 1000
    loaded_peak_mib = peak_rss_mib()

    size = args.size or unet.config.sample_size * 8
    latent = size // 8
    ids = tokenizer(CAPTION, padding="max_length", max_length=tokenizer.model_max_length, truncation=True,
                    return_tensors="pt").input_ids
    pixels = (torch.rand(1, 3, size, size) * 2 - 1).to(dtype)
    latents = torch.randn(1, unet.config.in_channels, latent, latent).to(dtype)
    with torch.no_grad():
        context = text_encoder(ids)[0]
    timestep = torch.tensor(501)
    weights = torch.randn(1, unet.config.out_channels, latent, latent).to(dtype)

    def text():
        with torch.no_grad():
            text_encoder(ids)[0].float().sum().item()

    def vae_encode():
        with torch.no_grad():
            vae.encode(pixels).latent_dist.mean.float().sum().item()

    def unet_forward():
        with torch.no_grad():
            unet(latents, timestep, encoder_hidden_states=context).sample.float().sum().item()

    def unet_backward():
        c = context.detach().requires_grad_(True)
        out = unet(latents, timestep, encoder_hidden_states=c).sample
        (out * weights).sum().backward()
        c.grad.float().sum().item()

    def vae_decode():
        with torch.no_grad():
            vae.decode(latents).sample.float().sum().item()

    runs = [("text-encoder", text), ("vae-encode", vae_encode), ("unet-forward", unet_forward),
            ("unet-forward-backward", unet_backward), ("vae-decode", vae_decode)]
    print(f"diffusers components on {args.model}: {args.dtype}, image {size}², latent {latent}², batch 1, "
          f"torch {torch.__version__}, {args.threads} threads, loaded in {loaded_ms:.0f} ms; "
          f"{args.warmup} warm-up + {args.iterations} timed calls each")
    print(f"peak RSS after loading {loaded_peak_mib:.0f} MiB")
    figures = {}
    for name, run in runs:
        if name in args.skip:
            continue
        figures[name] = timed(run, args.warmup, args.iterations)
        figures[name]["peak_rss_so_far_mib"] = peak_rss_mib()
        print(f"{name:<24} median {figures[name]['median_ms']:10.1f} ms   min {figures[name]['min_ms']:10.1f} ms"
              f"   peak RSS so far {figures[name]['peak_rss_so_far_mib']:6.0f} MiB", flush=True)
    peak_mib = peak_rss_mib()
    print(f"peak RSS {peak_mib:.0f} MiB")
    result = {"implementation": "diffusers", "dtype": args.dtype, "size": size, "components": figures,
              "peak_rss_after_loading_mib": loaded_peak_mib, "peak_rss_mib": peak_mib}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    if args.against:
        with open(args.against) as f:
            ours = json.load(f)
        print(f"ours / diffusers (medians; < 1 is faster), ours at {ours.get('dtype')} {ours.get('size')}²:")
        for name in figures:
            if name in ours.get("components", {}):
                ratio = ours["components"][name]["median_ms"] / figures[name]["median_ms"]
                print(f"{name:<24} {ratio:6.2f}")


if __name__ == "__main__":
    main()
