"""Times the reference implementation on the same snapshot and photo as `recaption invert`.

The reference is diffusers' community NullTextPipeline (examples/community/pipeline_null_text_inversion.py),
the implementation the null-text fixtures were made with. This script is for comparison only: the project
itself runs no Python. It needs torch, transformers and diffusers importable, with diffusers'
examples/community folder on PYTHONPATH.

    PYTHONPATH=/path/to/diffusers/src:/path/to/diffusers/examples/community \
        python3 bench/reference_null_text.py --model /tmp/mid --image photo.png \
        --caption "a cat sitting next to a mirror" --steps 20 --inner-steps 10

It prints the wall time of each phase, like the Java command's manifest.
"""

import argparse
import os
import resource
import tempfile
import time

import numpy as np
import torch
from PIL import Image

from diffusers import DDIMScheduler
from pipeline_null_text_inversion import NullTextPipeline


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--caption", required=True)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--inner-steps", type=int, default=10)
    parser.add_argument("--early-stop", type=float, default=1e-5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    start = time.perf_counter()
    scheduler = DDIMScheduler.from_pretrained(args.model, subfolder="scheduler")
    pipe = NullTextPipeline.from_pretrained(args.model, scheduler=scheduler, safety_checker=None,
                                            feature_extractor=None, requires_safety_checker=False)
    loaded = time.perf_counter()

    size = pipe.unet.config.sample_size * pipe.vae_scale_factor
    image = Image.open(args.image).convert("RGB")
    w, h = image.size
    s = min(w, h)
    image = image.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s))
    if image.size != (size, size):
        image = image.resize((size, size), Image.BICUBIC)
    path = os.path.join(tempfile.mkdtemp(), "input.png")
    image.save(path)

    # the pipeline's own invert(), phase by phase
    pipe.num_inference_steps = args.steps
    t0 = time.perf_counter()
    context = pipe.get_context(args.caption)
    latent = pipe.image2latent(path)
    t1 = time.perf_counter()
    trajectory = pipe.ddim_inversion_loop(latent, context)
    t2 = time.perf_counter()
    uncond = torch.stack(pipe.null_optimization(trajectory, context, args.inner_steps, args.early_stop), 0)
    t3 = time.perf_counter()
    with torch.no_grad():
        rec = pipe(args.caption, uncond, trajectory[-1], num_inference_steps=args.steps, guidance_scale=7.5,
                   output_type="latent").images
    t4 = time.perf_counter()
    with torch.no_grad():
        decoded = pipe.vae.decode(rec / pipe.vae.config.scaling_factor).sample.clamp(-1, 1)
    t5 = time.perf_counter()
    original = np.asarray(image, dtype=np.float64)
    out = ((decoded[0].permute(1, 2, 0).numpy() / 2 + 0.5) * 255).round()
    mse = ((out - original) ** 2).mean()
    psnr = 10 * np.log10(255 ** 2 / mse) if mse > 0 else float("inf")
    print(f"load {loaded - start:.2f} s")
    print(f"encode {t1 - t0:.2f} s, ddimInversion {t2 - t1:.2f} s, optimization {t3 - t2:.2f} s, "
          f"reconstruction {t4 - t3:.2f} s, decode {t5 - t4:.2f} s, total {t5 - t0:.2f} s")
    print(f"psnr {psnr:.2f} dB")
    print(f"peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
