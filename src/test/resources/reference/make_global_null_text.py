"""Builds the global null-text optimization case: global-null-text.safetensors and .json.

The per-step case (make_reference.py, `nti.*` in cases.safetensors) checks the paper's Algorithm 1
against the community NullTextPipeline. This script checks the global variant: one unconditional
embedding ∅ shared by every timestep, optimised over N passes through t descending with one Adam.
diffusers has no pipeline for it, so it is written here on the community NullTextPipeline's own
pieces (`get_noise_pred_single`, `prev_step`, `get_context`, `__call__`), the ones the per-step
case runs.

Inputs: the tiny-sd snapshot and `nti.z0` / `nti.ddim_trajectory` from cases.safetensors (the
pivot z*_0 … z*_T of DDIM inversion at guidance 1, so the case isolates the optimization).

The algorithm (the semantics of NullTextOptimization.global):
  ∅ ← text_encoder("");  Adam([∅], lr, β 0.9/0.999, eps 1e-8), one optimizer for all passes
  for pass in 1..N:
      z̄ ← z*_T
      for i, t in enumerate(timesteps descending):
          ε_C = ε(z̄, t, C)                  (no grad)
          ε_∅ = ε(z̄, t, ∅)
          loss = mse(prev_step(ε_∅ + w(ε_C − ε_∅), t, z̄), z*_{t−1})
          Adam step on ∅
          z̄ ← prev_step(ε_∅ + w(ε_C − ε_∅), t, z̄)   with the ε_∅ of the loss, i.e. ∅ before its update
The reconstruction samples from z*_T with the final ∅ at every step, guidance w (the pipeline's
__call__, DDIMScheduler.step).

It also measures how far perturbed algorithms land from the case (z̄ advanced with the updated ∅,
as Algorithm 1 advances with the optimised ∅_t; lr 0.011; 2 passes; no optimization), recorded in
the JSON as `sensitivity`, so the tolerances can be judged against them.

Needs torch, transformers and diffusers importable (diffusers' examples/community on sys.path for
pipeline_null_text_inversion). Deterministic: no randomness is used.
"""

import json
import os
import sys

import torch
import torch.nn.functional as nnf
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("DIFFUSERS_COMMUNITY", "/tmp/diffusers-src/examples/community"))

from diffusers import DDIMScheduler  # noqa: E402
from pipeline_null_text_inversion import NullTextPipeline  # noqa: E402

torch.set_num_threads(int(os.environ.get("THREADS", "1")))
torch.backends.nnpack.set_flags(False)  # NNPACK refuses this CPU and warns on every convolution

cases = load_file(os.path.join(HERE, "cases.safetensors"))
settings = json.load(open(os.path.join(HERE, "cases.json")))["tensors"]["nti.settings"]
PROMPT = settings["prompt"]
STEPS = settings["steps"]
GUIDANCE = settings["guidance_scale"]
PASSES = 3
LR = 1e-2

pipe = NullTextPipeline.from_pretrained(os.path.join(HERE, "tiny-sd"), safety_checker=None,
                                        feature_extractor=None, requires_safety_checker=False)
pipe.scheduler = DDIMScheduler.from_config(pipe.scheduler.config)
pipe.set_progress_bar_config(disable=True)
for module in (pipe.unet, pipe.text_encoder, pipe.vae):
    module.eval()
    module.requires_grad_(False)
pipe.num_inference_steps = STEPS
pipe.scheduler.set_timesteps(STEPS)
timesteps = pipe.scheduler.timesteps

with torch.no_grad():
    empty, cond = pipe.get_context(PROMPT).chunk(2)
z0 = cases["nti.z0"]
pivot = list(cases["nti.ddim_trajectory"].split(1))  # z*_0 … z*_T, each [1, 4, 32, 32]
assert len(pivot) == STEPS + 1

# sanity: the stored pivot is this snapshot's DDIM inversion
with torch.no_grad():
    check = pipe.ddim_inversion_loop(z0, torch.cat([empty, cond]))
pivot_check = max(float((a - b).abs().max()) for a, b in zip(check, pivot))
assert pivot_check < 1e-5, pivot_check


def global_null_text(passes=PASSES, lr=LR, advance_with_updated=False):
    """Returns (∅ [1, 77, d], losses [passes, steps])."""
    null = empty.clone().detach().requires_grad_(True)
    optimizer = torch.optim.Adam([null], lr=lr)  # β 0.9/0.999, eps 1e-8, no weight decay
    losses = torch.zeros(passes, STEPS, dtype=torch.float64)
    for p in range(passes):
        latent = pivot[STEPS]
        for i, t in enumerate(timesteps):
            target = pivot[STEPS - 1 - i]
            with torch.no_grad():
                eps_cond = pipe.get_noise_pred_single(latent, t, cond)
            eps_uncond = pipe.get_noise_pred_single(latent, t, null)
            eps = eps_uncond + GUIDANCE * (eps_cond - eps_uncond)
            loss = nnf.mse_loss(pipe.prev_step(eps, t, latent), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses[p, i] = loss.item()
            with torch.no_grad():
                if advance_with_updated:
                    eps_uncond = pipe.get_noise_pred_single(latent, t, null)
                eps_uncond = eps_uncond.detach()
                latent = pipe.prev_step(eps_uncond + GUIDANCE * (eps_cond - eps_uncond), t, latent)
    return null.detach(), losses


@torch.no_grad()
def reconstruct(null):
    return pipe(PROMPT, null.unsqueeze(0).expand(STEPS, *null.shape), pivot[STEPS],
                num_inference_steps=STEPS, guidance_scale=GUIDANCE, output_type="latent").images


def relative_l2(expected, actual):
    return float((expected - actual).norm() / expected.norm())


null, losses = global_null_text()
reconstruction = reconstruct(null)
plain = reconstruct(empty)

# determinism of the reference itself: a second run must give the same bits
null_again, losses_again = global_null_text()
assert torch.equal(null, null_again) and torch.equal(losses, losses_again)


def distance(name, other_null, other_losses):
    rec = reconstruct(other_null)
    return {"variant": name,
            "null_embedding_relative_l2": relative_l2(null, other_null),
            "reconstruction_max_abs": float((rec - reconstruction).abs().max()),
            "last_pass_losses_max_relative": float(((other_losses[-1] - losses[-1]).abs() / losses[-1]).max()),
            "last_pass_mean_loss_relative": float((other_losses[-1].mean() - losses[-1].mean()).abs()
                                                  / losses[-1].mean())}


sensitivity = [
    distance("z̄ advanced with the updated ∅ (Algorithm 1's order)", *global_null_text(advance_with_updated=True)),
    distance("lr 0.011 instead of 0.01", *global_null_text(lr=1.1e-2)),
    distance("2 passes instead of 3", *global_null_text(passes=2)),
    distance("no optimization (lr 0, ∅ stays '')", *global_null_text(lr=0.0)),
]

out = {
    "global_nti.null_embedding": null,
    "global_nti.last_pass_losses": losses[-1].float(),
    "global_nti.pass_mean_losses": losses.mean(1).float(),
    "global_nti.losses": losses.float(),
    "global_nti.reconstruction_latent": reconstruction,
}
save_file({k: v.detach().to(torch.float32).contiguous() for k, v in out.items()},
          os.path.join(HERE, "global-null-text.safetensors"))
meta = {
    "settings": {"prompt": PROMPT, "steps": STEPS, "passes": PASSES, "guidance_scale": GUIDANCE,
                 "learning_rate": LR, "adam": {"betas": [0.9, 0.999], "eps": 1e-8},
                 "pivot": "nti.z0 and nti.ddim_trajectory from cases.safetensors",
                 "initial_null": "text_encoder(tokenizer('', padding='max_length'))[0]",
                 "advance": "z̄ advanced with ε_∅ of the loss, i.e. ∅ before that timestep's Adam step"},
    "tensors": {
        "global_nti.null_embedding": "final ∅ [1, 77, 32] after all passes",
        "global_nti.last_pass_losses": "loss per timestep (t descending) in the last pass [steps]",
        "global_nti.pass_mean_losses": "mean loss over the timesteps of each pass [passes]",
        "global_nti.losses": "loss per pass and timestep [passes, steps]",
        "global_nti.reconstruction_latent": "NullTextPipeline.__call__ from z*_T with the final ∅ at every step, "
                                            "guidance 7.5, output_type='latent' [1, 4, 32, 32]",
    },
    "losses": losses.tolist(),
    "mse_to_z0_optimized": float(((reconstruction - z0) ** 2).mean()),
    "mse_to_z0_plain": float(((plain - z0) ** 2).mean()),
    "null_moved_relative_l2": relative_l2(empty, null),
    "pivot_check_max_abs": pivot_check,
    "sensitivity": sensitivity,
    "made_by": "make_global_null_text.py",
    "versions": {"torch": torch.__version__, "diffusers": __import__("diffusers").__version__,
                 "transformers": __import__("transformers").__version__},
}
with open(os.path.join(HERE, "global-null-text.json"), "w") as f:
    json.dump(meta, f, indent=1, ensure_ascii=False)
print(json.dumps({k: meta[k] for k in ("losses", "mse_to_z0_optimized", "mse_to_z0_plain",
                                       "null_moved_relative_l2", "pivot_check_max_abs", "sensitivity")},
                 indent=1, ensure_ascii=False))
