"""Pillow's bicubic resizes of the BLIP fixture image, the oracle of the Java PilBicubic resampler
(the fixture's own image is already at the model's size, so the reference processor resizes nothing).

Usage: python make_resize_reference.py   (in this folder; needs Pillow)
Writes resize-WxH.png for each size below: Image.open("image.png").convert("RGB").resize((W, H), Image.BICUBIC),
which is what transformers' PIL-backed BlipImageProcessor does with resample=3. PNG is lossless, so the files hold
Pillow's 8-bit output exactly.
"""
from PIL import Image
import PIL

SIZES = [(40, 40), (96, 80), (64, 50), (23, 71), (384, 384)]
img = Image.open("image.png").convert("RGB")
for w, h in SIZES:
    img.resize((w, h), Image.BICUBIC).save(f"resize-{w}x{h}.png")
print("Pillow", PIL.__version__, "sizes", SIZES)
