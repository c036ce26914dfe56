#!/usr/bin/env python3
"""Compare clipstream-clip (DJL) embeddings with a PyTorch reference. Not run in CI.

1. Java side (writes result.json + dump-images/*.png next to it):
     ./mvnw -q -pl shared/clip exec:java -Dexec.mainClass=io.clipstream.clip.tools.DumpEmbeddings \
         -Dexec.args="--model /path/to/clip-dir --out /tmp/clip-dump/result.json [--adapter peft-dir]"
2. This script:
     python3 compare_with_hf.py --model /path/to/clip-dir --dump /tmp/clip-dump/result.json \
         [--adapter peft-dir] [--reference auto|hf|torch]

References:
  hf    transformers.CLIPModel.from_pretrained(model) (+ peft.PeftModel when --adapter is given);
        also checks the tokenizer (tokenizers.Tokenizer on tokenizer.json) and the image
        preprocessing (CLIPImageProcessor on the dumped PNGs).
  torch a ~80-line pure-torch re-implementation of HF's CLIP forward reading model.safetensors
        with numpy (works with Debian's python3-torch 1.13, no transformers needed).
  auto  hf when transformers imports, else torch.
The model inputs fed to the reference are the ids, masks and pixel values that Java used, so the
embedding comparison isolates the network; tokenizer/preprocessing are compared separately.
Exit status 1 when a comparison exceeds its tolerance.
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        if v["dtype"] == "BF16":
            raw = np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype=np.uint16)
            arr = (raw.astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype=DTYPES[v["dtype"]])
        out[k] = torch.from_numpy(arr.copy().reshape(v["shape"])).to(torch.float32) \
            if arr.dtype.kind == "f" else torch.from_numpy(arr.copy().reshape(v["shape"]))
    return out


# ----------------------------------------------------------------------------- pure torch reference
def act_fn(name):
    if name == "quick_gelu":
        return lambda x: x * torch.sigmoid(1.702 * x)
    if name == "gelu":
        return torch.nn.functional.gelu
    raise ValueError(name)


def merge_peft(w, adapter_dir):
    with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
        cfg = json.load(f)
    scale = cfg["lora_alpha"] / (math.sqrt(cfg["r"]) if cfg.get("use_rslora") else cfg["r"])
    aw = read_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"))
    for k, a in aw.items():
        if ".lora_A." not in k:
            if k == "base_model.model.logit_scale":
                w["logit_scale"] = a
            continue
        module = k[len("base_model.model."):].split(".lora_A.")[0]
        b = aw[k.replace(".lora_A.", ".lora_B.")]
        w[module + ".weight"] = w[module + ".weight"] + scale * (b @ a)
    return w


def torch_reference(model_dir, adapter_dir, ids, mask, pixels):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    if adapter_dir:
        w = merge_peft(w, adapter_dir)
    tc, vc = cfg["text_config"], cfg["vision_config"]
    lin = lambda x, p, bias=True: torch.nn.functional.linear(x, w[p + ".weight"], w.get(p + ".bias") if bias else None)
    ln = lambda x, p, eps: torch.nn.functional.layer_norm(x, x.shape[-1:], w[p + ".weight"], w[p + ".bias"], eps)

    def encoder(x, prefix, c, mask4):
        heads, eps, act = c["num_attention_heads"], c.get("layer_norm_eps", 1e-5), act_fn(c.get("hidden_act", "quick_gelu"))
        b, t, h = x.shape
        d = h // heads
        for i in range(c["num_hidden_layers"]):
            p = f"{prefix}.encoder.layers.{i}"
            y = ln(x, p + ".layer_norm1", eps)
            q = (lin(y, p + ".self_attn.q_proj") * d ** -0.5).view(b, t, heads, d).transpose(1, 2)
            k = lin(y, p + ".self_attn.k_proj").view(b, t, heads, d).transpose(1, 2)
            v = lin(y, p + ".self_attn.v_proj").view(b, t, heads, d).transpose(1, 2)
            s = q @ k.transpose(-1, -2)
            if mask4 is not None:
                s = s + mask4
            o = (s.softmax(-1) @ v).transpose(1, 2).reshape(b, t, h)
            x = x + lin(o, p + ".self_attn.out_proj")
            y = ln(x, p + ".layer_norm2", eps)
            x = x + lin(act(lin(y, p + ".mlp.fc1")), p + ".mlp.fc2")
        return x

    # text
    b, t = ids.shape
    x = w["text_model.embeddings.token_embedding.weight"][ids] + w["text_model.embeddings.position_embedding.weight"][:t]
    neg = torch.finfo(torch.float32).min
    causal = torch.full((t, t), neg).triu(1)[None, None]
    pad = (1.0 - mask[:, None, None, :].float()) * neg
    x = encoder(x, "text_model", tc, torch.clamp(causal + pad, min=neg))
    x = ln(x, "text_model.final_layer_norm", tc.get("layer_norm_eps", 1e-5))
    eos = tc.get("eos_token_id", 2)
    pos = ids.argmax(-1) if eos == 2 else (ids == eos).int().argmax(-1)
    txt = lin(x[torch.arange(b), pos], "text_projection", bias=False)
    # vision
    p = vc["patch_size"]
    x = torch.nn.functional.conv2d(pixels, w["vision_model.embeddings.patch_embedding.weight"], stride=p)
    x = x.flatten(2).transpose(1, 2)
    cls = w["vision_model.embeddings.class_embedding"].expand(x.shape[0], 1, -1)
    x = torch.cat([cls, x], 1) + w["vision_model.embeddings.position_embedding.weight"]
    veps = vc.get("layer_norm_eps", 1e-5)
    x = encoder(ln(x, "vision_model.pre_layrnorm", veps), "vision_model", vc, None)
    img = lin(ln(x[:, 0], "vision_model.post_layernorm", veps), "visual_projection", bias=False)
    return img, txt, w["logit_scale"].exp()


# ----------------------------------------------------------------------------- transformers reference
def hf_reference(model_dir, adapter_dir, ids, mask, pixels):
    from transformers import CLIPModel
    model = CLIPModel.from_pretrained(model_dir, torch_dtype=torch.float32).eval()
    if adapter_dir:
        from peft import PeftModel
        model = PeftModel.from_pretrained(model, adapter_dir).eval()
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, pixel_values=pixels)
    return out.image_embeds, out.text_embeds, out.logits_per_image.new_tensor(
        float((model.base_model.model if adapter_dir else model).logit_scale.exp()))


def check_tokenizer(model_dir, dump):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    ctx = len(dump["input_ids"][0])
    worst = 0
    for text, ids in zip(dump["texts"], dump["input_ids"]):
        ref = tok.encode(text).ids
        if len(ref) > ctx:  # HF truncation keeps EOS last
            ref = ref[:ctx - 1] + ref[-1:]
        got = ids[:len(ref)]
        if got != ref:
            worst += 1
            print(f"  tokenizer mismatch for {text!r}: java {got} ref {ref}")
    print(f"tokenizer: {len(dump['texts']) - worst}/{len(dump['texts'])} texts identical")
    return worst == 0


def check_preprocessing(model_dir, dump):
    from PIL import Image
    from transformers import CLIPImageProcessor
    size = dump["pixel_shape"][1]
    proc = CLIPImageProcessor(size={"shortest_edge": size}, crop_size={"height": size, "width": size})
    ok = True
    for path, java in zip(dump["image_files"], dump["pixel_values"]):
        ref = proc(images=Image.open(path), return_tensors="np")["pixel_values"][0].reshape(-1)
        d = np.abs(ref - np.asarray(java, dtype=np.float32)).max()
        print(f"preprocess {os.path.basename(path)}: max |diff| {d:.2e}")
        ok &= d < 0.05  # Pillow's fixed-point filter may round a few pixels differently (1/255/std = 0.015)
    return ok


def check_preprocessing_pil(dump):
    """CLIPImageProcessor's steps with Pillow only: RGB, shortest side bicubic, centre crop, normalise."""
    from PIL import Image
    size = dump["pixel_shape"][1]
    mean = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
    std = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
    ok = True
    for path, java in zip(dump["image_files"], dump["pixel_values"]):
        im = Image.open(path).convert("RGB")
        w, h = im.size
        short, long = (w, h) if w <= h else (h, w)
        new_long = int(size * long / short)
        nw, nh = (size, new_long) if w <= h else (new_long, size)
        if (nw, nh) != (w, h):
            im = im.resize((nw, nh), resample=Image.BICUBIC)
        a = np.asarray(im, dtype=np.float32)
        top, left = (nh - size) // 2, (nw - size) // 2
        a = a[top:top + size, left:left + size]
        ref = ((a / 255.0 - mean) / std).transpose(2, 0, 1).reshape(-1)
        d = np.abs(ref - np.asarray(java, dtype=np.float32)).max()
        print(f"preprocess (Pillow) {os.path.basename(path)} {w}x{h}: max |diff| {d:.2e}")
        ok &= d < 0.05
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--adapter")
    ap.add_argument("--reference", default="auto", choices=["auto", "hf", "torch"])
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    with open(a.dump) as f:
        dump = json.load(f)
    ref = a.reference
    if ref == "auto":
        try:
            import transformers  # noqa: F401
            ref = "hf"
        except ImportError:
            ref = "torch"
    ids = torch.tensor(dump["input_ids"], dtype=torch.long)
    mask = torch.tensor(dump["attention_mask"], dtype=torch.long)
    pixels = torch.tensor(dump["pixel_values"], dtype=torch.float32).view(-1, *dump["pixel_shape"])
    fn = hf_reference if ref == "hf" else torch_reference
    img, txt, scale = fn(a.model, a.adapter, ids, mask, pixels)
    img = img / img.norm(dim=-1, keepdim=True)
    txt = txt / txt.norm(dim=-1, keepdim=True)
    di = (img - torch.tensor(dump["image_embeds"])).abs().max().item()
    dt = (txt - torch.tensor(dump["text_embeds"])).abs().max().item()
    ds = abs(float(scale) - dump["logit_scale"])
    print(f"reference: {ref} (torch {torch.__version__})")
    print(f"image embeds max |diff| {di:.3e}; text embeds max |diff| {dt:.3e}; logit scale |diff| {ds:.3e}")
    ok = di < a.tol and dt < a.tol and ds < a.tol * 100
    try:
        ok &= check_tokenizer(a.model, dump)
    except ImportError:
        print("tokenizer: skipped (no `tokenizers` module)")
    try:
        ok &= check_preprocessing(a.model, dump) if ref == "hf" else check_preprocessing_pil(dump)
    except ImportError as e:
        print(f"preprocessing: skipped ({e})")
    print("OK" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
