"""Reference pieces for Trawl's CLIP tests and benchmark (Debian's python3-torch, python3-onnx, python3-regex, python3-pil).

- ClipModel: CLIP's architecture (OpenAI's model.py / Hugging Face CLIPModel): a causal text transformer pooled at the
  end-of-text token, a ViT vision tower pooled at the class token, pre-LayerNorm blocks with QuickGELU, linear
  projections without bias. Exported to ONNX in the Hugging Face layout (text_model.onnx: input_ids -> text_embeds;
  vision_model.onnx: pixel_values -> image_embeds).
- SimpleTokenizer: a line-for-line port of CLIP's simple_tokenizer.py (same regex, same BPE loop, same byte map).
  ftfy is not packaged by Debian, so ftfy.fix_text is replaced by the deterministic subset Trawl implements
  (NFC, curly quotes, Latin ligatures, full-width ASCII); mojibake repair is not reproduced.
- preprocess: CLIP's torchvision pipeline (Resize(short side, BICUBIC) on the PIL image, CenterCrop, ToTensor,
  Normalize), written with PIL and numpy so torchvision is not needed.
"""

import html
import unicodedata

import numpy as np
import regex as re
import torch
import torch.nn as nn

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


# ---------------------------------------------------------------- tokenizer (port of CLIP's simple_tokenizer.py)

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2 ** 8):
        if b not in bs:
            bs.append(b)
            cs.append(2 ** 8 + n)
            n += 1
    cs = [chr(n) for n in cs]
    return dict(zip(bs, cs))


def get_pairs(word):
    pairs = set()
    prev_char = word[0]
    for char in word[1:]:
        pairs.add((prev_char, char))
        prev_char = char
    return pairs


_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
           "\u2032": "'", "\u2033": '"', "\u02bc": "'"}
_LIGATURES = {"\u0132": "IJ", "\u0133": "ij", "\u0149": "\u02bcn", "\u01f1": "DZ", "\u01f2": "Dz", "\u01f3": "dz",
              "\u01c4": "D\u017d", "\u01c5": "D\u017e", "\u01c6": "d\u017e", "\u01c7": "LJ", "\u01c8": "Lj", "\u01c9": "lj",
              "\u01ca": "NJ", "\u01cb": "Nj", "\u01cc": "nj", "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
              "\ufb04": "ffl", "\ufb05": "\u017ft", "\ufb06": "st"}


def fix_text_subset(text):
    """The part of ftfy.fix_text that Trawl reproduces: Latin ligatures, full-width ASCII and ideographic space,
    curly quotes, then NFC."""
    out = []
    for ch in text:
        c = ord(ch)
        if ch in _LIGATURES:
            out.append(_LIGATURES[ch])
        elif 0xFF01 <= c <= 0xFF5E:
            out.append(chr(c - 0xFF01 + 0x21))
        elif c == 0x3000:
            out.append(" ")
        elif ch in _QUOTES:
            out.append(_QUOTES[ch])
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def basic_clean(text):
    text = fix_text_subset(text)
    text = html.unescape(html.unescape(text))
    return text.strip()


def whitespace_clean(text):
    text = re.sub(r"\s+", " ", text)
    text = text.strip()
    return text


class SimpleTokenizer:
    def __init__(self, merges):
        """merges: list of (a, b) pairs, in rank order (bpe_simple_vocab_16e6.txt without its first line)."""
        self.byte_encoder = bytes_to_unicode()
        vocab = list(bytes_to_unicode().values())
        vocab = vocab + [v + "</w>" for v in vocab]
        for merge in merges:
            vocab.append("".join(merge))
        vocab.extend(["<|startoftext|>", "<|endoftext|>"])
        self.vocab = vocab
        self.encoder = dict(zip(vocab, range(len(vocab))))
        self.bpe_ranks = dict(zip(merges, range(len(merges))))
        self.cache = {"<|startoftext|>": "<|startoftext|>", "<|endoftext|>": "<|endoftext|>"}
        self.pat = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", re.IGNORECASE)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        pairs = get_pairs(word)
        if not pairs:
            return token + "</w>"
        while True:
            bigram = min(pairs, key=lambda pair: self.bpe_ranks.get(pair, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = get_pairs(word)
        word = " ".join(word)
        self.cache[token] = word
        return word

    def encode(self, text):
        bpe_tokens = []
        text = whitespace_clean(basic_clean(text)).lower()
        for token in re.findall(self.pat, text):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            bpe_tokens.extend(self.encoder[bpe_token] for bpe_token in self.bpe(token).split(" "))
        return bpe_tokens

    def tokenize(self, text, context_length=77):
        """clip.tokenize(text, truncate=True) for one text: SOT + tokens + EOT, cut to the context with EOT last."""
        sot = self.encoder["<|startoftext|>"]
        eot = self.encoder["<|endoftext|>"]
        tokens = [sot] + self.encode(text) + [eot]
        if len(tokens) > context_length:
            tokens = tokens[:context_length]
            tokens[-1] = eot
        return tokens + [0] * (context_length - len(tokens))


def learn_merges(corpus, count):
    """A small BPE vocabulary learned the usual way (most frequent adjacent pair, ties by first seen), over words
    pre-tokenized and byte-mapped as CLIP does."""
    tok = SimpleTokenizer([])
    words = {}
    for line in corpus:
        text = whitespace_clean(basic_clean(line)).lower()
        for token in re.findall(tok.pat, text):
            mapped = "".join(tok.byte_encoder[b] for b in token.encode("utf-8"))
            w = tuple(mapped[:-1]) + (mapped[-1] + "</w>",)
            words[w] = words.get(w, 0) + 1
    merges = []
    while len(merges) < count:
        stats = {}
        for w, f in words.items():
            for a, b in zip(w, w[1:]):
                stats[(a, b)] = stats.get((a, b), 0) + f
        if not stats:
            break
        best = max(stats.items(), key=lambda kv: kv[1])[0]
        merges.append(best)
        new_words = {}
        for w, f in words.items():
            out = []
            i = 0
            while i < len(w):
                if i < len(w) - 1 and w[i] == best[0] and w[i + 1] == best[1]:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + f
        words = new_words
    return merges


# ---------------------------------------------------------------- model (CLIP's architecture)

class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, 4 * width)
        self.act = QuickGELU()
        self.proj = nn.Linear(4 * width, width)

    def forward(self, x, mask):
        b, n, w = x.shape
        h = self.ln_1(x)
        q, k, v = self.qkv(h).reshape(b, n, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-2, -1)) * (w // self.heads) ** -0.5
        if mask is not None:
            att = att + mask
        att = att.softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, n, w)
        x = x + self.out(y)
        return x + self.proj(self.act(self.fc(self.ln_2(x))))


class TextTower(nn.Module):
    def __init__(self, vocab, context, width, layers, heads, embed_dim):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(torch.randn(context, width) * 0.01)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Linear(width, embed_dim, bias=False)
        mask = torch.full((context, context), float("-inf")).triu(1)
        self.register_buffer("mask", mask)

    def forward(self, input_ids):
        x = self.token_embedding(input_ids) + self.positional_embedding
        for blk in self.blocks:
            x = blk(x, self.mask)
        x = self.ln_final(x)
        pooled = x[torch.arange(x.shape[0]), input_ids.argmax(dim=-1)]
        return self.text_projection(pooled)


class VisionTower(nn.Module):
    def __init__(self, image_size, patch, width, layers, heads, embed_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        grid = image_size // patch
        self.class_embedding = nn.Parameter(torch.randn(width) * width ** -0.5)
        self.positional_embedding = nn.Parameter(torch.randn(grid * grid + 1, width) * width ** -0.5)
        self.ln_pre = nn.LayerNorm(width)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.ln_post = nn.LayerNorm(width)
        self.visual_projection = nn.Linear(width, embed_dim, bias=False)

    def forward(self, pixel_values):
        x = self.conv1(pixel_values)
        x = x.flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x)
        for blk in self.blocks:
            x = blk(x, None)
        return self.visual_projection(self.ln_post(x[:, 0, :]))


def randomize(module, seed):
    """Random weights with a spread that keeps activations lively (LayerNorm weights and biases too)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.dim() >= 2:
                p.copy_(torch.randn(p.shape, generator=g) * (p.shape[-1] ** -0.5))
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.1 + (1.0 if "ln" in name and name.endswith("weight") else 0.0))


def export(text, vision, out_dir, image_size, context=77, opset=14):
    text.eval()
    vision.eval()
    ids = torch.zeros((2, context), dtype=torch.long)
    ids[:, 0] = 1
    ids[:, 3] = 2
    torch.onnx.export(text, (ids,), f"{out_dir}/text_model.onnx", input_names=["input_ids"], output_names=["text_embeds"],
                      dynamic_axes={"input_ids": {0: "batch"}, "text_embeds": {0: "batch"}}, opset_version=opset)
    px = torch.zeros((2, 3, image_size, image_size))
    torch.onnx.export(vision, (px,), f"{out_dir}/vision_model.onnx", input_names=["pixel_values"], output_names=["image_embeds"],
                      dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}}, opset_version=opset)


# ---------------------------------------------------------------- preprocessing (CLIP's torchvision pipeline with PIL)

def resize_and_crop(img, size):
    """Resize(size, BICUBIC) then CenterCrop(size), as torchvision does it on a PIL image; returns uint8 HxWx3."""
    from PIL import Image
    img = img.convert("RGB")
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    if (new_w, new_h) != (w, h):
        img = img.resize((new_w, new_h), Image.BICUBIC)
    top = int(round((new_h - size) / 2.0))
    left = int(round((new_w - size) / 2.0))
    img = img.crop((left, top, left + size, top + size))
    return np.asarray(img, dtype=np.uint8)


def normalize(rgb):
    x = rgb.astype(np.float32) / 255.0
    x = (x - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return torch.from_numpy(x.transpose(2, 0, 1).copy())
