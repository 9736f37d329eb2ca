#!/usr/bin/python3
"""Builds tests/Trawl.Clip.Tests/Fixtures/tiny-clip: a CLIP of the real architecture with random weights, small
enough to commit, exported to ONNX in the Hugging Face layout, with reference outputs from PyTorch.

Run with Debian's Python (python3-torch, python3-onnx, python3-regex, python3-pil):
    /usr/bin/python3 tests/Trawl.Clip.Tests/Fixtures/make_tiny_clip.py

Writes into tiny-clip/: text_model.onnx, vision_model.onnx, vocab.json, merges.txt, tokenizer_config.json,
preprocessor_config.json, and reference.json (token ids for hard strings from the Python port of CLIP's
simple_tokenizer.py; L2-normalised text and image embeddings from the PyTorch model) and images/*.png|jpg|gif|webp.
(The tests compare our resize and crop with clip_reference.resize_and_crop run at test time, not with stored bytes.)

With --shape vit-b-32 --out DIR it writes a ViT-B/32-shaped model (about 600 MB, for the benchmark; never committed)
plus the PyTorch weights as DIR/weights.pt.
"""

import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_reference as ref  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

CORPUS = [
    "a photo of a cat sitting on a red sofa", "a dog running on the beach at sunset", "the quick brown fox jumps over the lazy dog",
    "an oil painting of a lighthouse in a storm", "black and white photograph of a city street", "a bowl of fresh fruit on a wooden table",
    "portrait of a woman wearing a hat", "mountains covered with snow under a blue sky", "a red car parked in front of a house",
    "children playing football in the park", "close-up of a flower with a bee", "a plate of pasta with tomato sauce",
    "vintage poster of a train station", "aerial view of the ocean and islands", "it's a cat, isn't it? we'll see what they've done",
    "café crème brûlée naïve façade résumé", "東京の夜景 北京 서울", "emoji 😀 🐱 ❤️ party 🎉", "1999 2024 3.14 100% $5",
    "photos photographs photography photo photographer", "cats cat kitten kittens dog dogs puppy", "painting paintings painter paint",
]

HARD_STRINGS = [
    "a photo of a cat",
    "A Photo OF a CAT on a Red Sofa",
    "",
    "   ",
    "it's they're we've I'm you'll he'd IT'S",
    "''s 'sa rock'n'roll o'clock",
    "Café crème brûlée, naïve façade — résumé",
    "e\u0301le\u0300ve (decomposed accents)",
    "ÅNGSTRÖM İstanbul ΣΊΣΥΦΟΣ ΌΔΟΣ straße",
    "emoji 😀😀 🐱‍👤 👩🏽‍🚀 ❤️🔥 flags 🇫🇷🇯🇵",
    "東京の夜景がきれい 北京欢迎你 서울 특별시",
    "!!!???... --- *** ### $$$ %%% ((())) [[]] {{}} <<>> ~~~",
    "ﬁne ﬂour ｆｕｌｌｗｉｄｔｈ\u3000ｓｐａｃｅ “curly” ‘quotes’",
    "numbers 1234567890 3.14159 1,000,000 ٣٤٥ ½ ² ⅷ",
    "html &amp; entities &lt;b&gt; &amp;amp; &quot;x&quot; &#39;",
    "tabs\tand\nnewlines\r\nand\u00a0nbsp   many    spaces",
    "<|startoftext|>special<|endoftext|> tokens in text",
    "mixed العربية עברית हिन्दी ไทย Ελληνικά русский",
    "\U0001d400\U0001d401 math letters and 𐐀 deseret",
    "word " * 100,
    "supercalifragilisticexpialidocious" * 8,
    "photography photographs photographer's photographic",
]


def tokenizer_files(out_dir, merges):
    tok = ref.SimpleTokenizer(merges)
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(tok.encoder, f, ensure_ascii=False)
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"model_max_length": 77, "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
                   "tokenizer_class": "CLIPTokenizer"}, f)
    return tok


def make_images(img_dir):
    os.makedirs(img_dir, exist_ok=True)
    names = []
    # Smooth gradients plus noise: resampling differences show without being swamped by aliasing.
    def picture(w, h, seed):
        r = np.random.default_rng(seed)
        y, x = np.mgrid[0:h, 0:w]
        base = np.stack([128 + 100 * np.sin(x / (7 + seed) + y / 13), 128 + 100 * np.cos(y / (5 + seed)), (x * 255 // max(w - 1, 1))], -1)
        return np.clip(base + r.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    for name, (w, h), seed in [("wide", (320, 200), 1), ("tall", (150, 260), 2), ("small", (60, 40), 3), ("square", (224, 224), 4)]:
        Image.fromarray(picture(w, h, seed)).save(os.path.join(img_dir, f"{name}.png"))
        names.append(f"{name}.png")
    alpha = (np.mgrid[0:240, 0:256][1] % 256).astype(np.uint8)[..., None]
    rgba = np.concatenate([picture(256, 240, 5), alpha], -1)
    Image.fromarray(rgba, "RGBA").save(os.path.join(img_dir, "alpha.png"))
    names.append("alpha.png")
    Image.fromarray(picture(300, 225, 6)).save(os.path.join(img_dir, "photo.jpg"), quality=92)
    Image.fromarray(picture(300, 225, 6)).save(os.path.join(img_dir, "progressive.jpg"), quality=92, progressive=True)
    names += ["photo.jpg", "progressive.jpg"]
    frames = [Image.fromarray(picture(200, 160, 8 + i)).convert("P", palette=Image.ADAPTIVE) for i in range(2)]
    frames[0].save(os.path.join(img_dir, "anim.gif"), save_all=True, append_images=frames[1:], duration=100)
    names.append("anim.gif")
    try:
        Image.fromarray(picture(240, 180, 10)).save(os.path.join(img_dir, "lossless.webp"), lossless=True)
        names.append("lossless.webp")
    except (OSError, KeyError, ValueError):
        pass
    return names


def build(shape, seed, vocab_size):
    if shape == "tiny":
        text = ref.TextTower(vocab_size, 77, width=64, layers=2, heads=4, embed_dim=32)
        vision = ref.VisionTower(224, 32, width=48, layers=2, heads=4, embed_dim=32)
    else:  # ViT-B/32: text 512 wide, 12 layers, 8 heads; vision 768 wide, 12 layers, 12 heads; 512-d embeddings
        text = ref.TextTower(vocab_size, 77, width=512, layers=12, heads=8, embed_dim=512)
        vision = ref.VisionTower(224, 32, width=768, layers=12, heads=12, embed_dim=512)
    ref.randomize(text, seed)
    ref.randomize(vision, seed + 1)
    return text.eval(), vision.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", choices=["tiny", "vit-b-32"], default="tiny")
    ap.add_argument("--out", default=os.path.join(HERE, "tiny-clip"))
    args = ap.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)

    merges = ref.learn_merges(CORPUS, 300)
    tok = tokenizer_files(out, merges)
    vocab_size = len(tok.encoder) if args.shape == "tiny" else 49408
    text, vision = build(args.shape, 1234, vocab_size)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump({"crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_normalize": True, "do_resize": True,
                   "image_mean": list(ref.MEAN), "image_std": list(ref.STD), "resample": 3, "size": {"shortest_edge": 224},
                   "image_processor_type": "CLIPImageProcessor"}, f, indent=1)
    ref.export(text, vision, out, 224)
    if args.shape != "tiny":
        torch.save({"text": text.state_dict(), "vision": vision.state_dict(), "vocab": vocab_size}, os.path.join(out, "weights.pt"))
        return

    tokens = {s: tok.tokenize(s) for s in HARD_STRINGS}
    img_dir = os.path.join(out, "images")
    names = make_images(img_dir)
    emb_texts = ["a photo of a cat", "a dog running on the beach at sunset", "", "café 東京 😀 " * 20]
    with torch.no_grad():
        ids = torch.tensor([tok.tokenize(s) for s in emb_texts], dtype=torch.long)
        t = text(ids)
        t = t / t.norm(dim=-1, keepdim=True)
        image_refs = {}
        for name in names:
            rgb = ref.resize_and_crop(Image.open(os.path.join(img_dir, name)), 224)
            v = vision(ref.normalize(rgb).unsqueeze(0))
            image_refs[name] = (v / v.norm(dim=-1, keepdim=True))[0].tolist()
    reference = {
        "tokenizer": "Python port of CLIP's simple_tokenizer.py (clip_reference.py) over vocab.json/merges.txt; ftfy replaced by its deterministic subset",
        "tokens": [{"text": s, "ids": ids_} for s, ids_ in tokens.items()],
        "texts": [{"text": s, "embedding": e} for s, e in zip(emb_texts, t.tolist())],
        "images": [{"file": n, "embedding": e} for n, e in image_refs.items()],
        "torch": torch.__version__,
    }
    with open(os.path.join(out, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
