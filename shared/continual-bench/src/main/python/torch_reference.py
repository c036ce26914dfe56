#!/usr/bin/python3
"""PyTorch reference for continual-bench throughput.

Re-implements the benchmark's CLIP exactly as Hugging Face's CLIPModel computes it (the architecture shared/clip
implements and checks against a PyTorch reference to 2e-7): ViT with conv patch embedding, class token, pre/post
layer norm; causal text transformer with padding mask, pooled at the first end-of-text token; quick-GELU MLPs;
linear projections; learnable logit scale. PEFT-style LoRA (dropout 0, scale alpha/r, A ~ U(-1/sqrt(in), 1/sqrt(in)),
B = 0) on the --targets layers of both towers. Times
  * LoRA training steps: forward, symmetric InfoNCE, backward, AdamW on the adapter + logit scale,
  * image embedding (inference, no grad),
on random pixels and the same token ids as the Java side (--tokens JSON: {"ids": [[...]], "mask": [[...]]}).
Weights are random (speed does not depend on their values). No transformers library: plain torch (Debian's
python3-torch). Prints one JSON line.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--rank", type=int, default=4)
    ap.add_argument("--alpha", type=float, default=8.0)
    ap.add_argument("--targets", default="q_proj,k_proj,v_proj,out_proj",
                    help="LoRA target layers: any of q_proj,k_proj,v_proj,out_proj,fc1,fc2")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--embed-batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg = json.load(open(a.config))
    tc, vc = cfg["text_config"], cfg["vision_config"]
    proj = cfg["projection_dim"]
    eos_id = tc["eos_token_id"]
    eps = vc.get("layer_norm_eps", 1e-5)
    P = {}
    L = {}

    def lin(name, i, o, bias=True):
        P[name + ".weight"] = torch.randn(o, i) * 0.02
        if bias:
            P[name + ".bias"] = torch.zeros(o)

    def lnp(name, d):
        P[name + ".weight"] = torch.ones(d)
        P[name + ".bias"] = torch.zeros(d)

    targets = set(a.targets.split(","))

    def adapted(name, t, i, o):
        lin(name, i, o)
        if t in targets:
            L[name + ".lora_A.weight"] = (torch.rand(a.rank, i) * 2 - 1) / math.sqrt(i)
            L[name + ".lora_B.weight"] = torch.zeros(o, a.rank)

    def block(prefix, d, inter):
        for t in ("q_proj", "k_proj", "v_proj", "out_proj"):
            adapted(prefix + ".self_attn." + t, t, d, d)
        lnp(prefix + ".layer_norm1", d)
        lnp(prefix + ".layer_norm2", d)
        adapted(prefix + ".mlp.fc1", "fc1", d, inter)
        adapted(prefix + ".mlp.fc2", "fc2", inter, d)

    vw, p, s = vc["hidden_size"], vc["patch_size"], vc["image_size"]
    g = s // p
    P["vision_model.embeddings.patch_embedding.weight"] = torch.randn(vw, 3, p, p) * 0.02
    P["vision_model.embeddings.class_embedding"] = torch.randn(vw) * 0.02
    P["vision_model.embeddings.position_embedding.weight"] = torch.randn(g * g + 1, vw) * 0.02
    lnp("vision_model.pre_layrnorm", vw)
    for i in range(vc["num_hidden_layers"]):
        block("vision_model.encoder.layers.%d" % i, vw, vc["intermediate_size"])
    lnp("vision_model.post_layernorm", vw)
    lin("visual_projection", vw, proj, bias=False)
    tw, ctx, vocab = tc["hidden_size"], tc["max_position_embeddings"], tc["vocab_size"]
    P["text_model.embeddings.token_embedding.weight"] = torch.randn(vocab, tw) * 0.02
    P["text_model.embeddings.position_embedding.weight"] = torch.randn(ctx, tw) * 0.02
    for i in range(tc["num_hidden_layers"]):
        block("text_model.encoder.layers.%d" % i, tw, tc["intermediate_size"])
    lnp("text_model.final_layer_norm", tw)
    lin("text_projection", tw, proj, bias=False)
    P["logit_scale"] = torch.tensor(cfg.get("logit_scale_init_value", 2.6592))
    scale = a.alpha / a.rank
    for k in L:
        L[k].requires_grad_(True)
    P["logit_scale"].requires_grad_(True)

    def linear(x, pre):
        y = F.linear(x, P[pre + ".weight"], P.get(pre + ".bias"))
        la = L.get(pre + ".lora_A.weight")
        if la is not None:
            y = y + F.linear(F.linear(x, la), L[pre + ".lora_B.weight"]) * scale
        return y

    def ln(x, pre):
        return F.layer_norm(x, (x.shape[-1],), P[pre + ".weight"], P[pre + ".bias"], eps)

    def attn(x, pre, heads, mask):
        b, t, d = x.shape
        dh = d // heads
        q = (linear(x, pre + ".q_proj") * dh ** -0.5).reshape(b, t, heads, dh).transpose(1, 2)
        k = linear(x, pre + ".k_proj").reshape(b, t, heads, dh).transpose(1, 2)
        v = linear(x, pre + ".v_proj").reshape(b, t, heads, dh).transpose(1, 2)
        sc = q @ k.transpose(-1, -2)
        if mask is not None:
            sc = sc + mask
        o = (sc.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        return linear(o, pre + ".out_proj")

    def layer(x, pre, heads, mask):
        x = x + attn(ln(x, pre + ".layer_norm1"), pre + ".self_attn", heads, mask)
        h = linear(ln(x, pre + ".layer_norm2"), pre + ".mlp.fc1")
        h = h * torch.sigmoid(1.702 * h)
        return x + linear(h, pre + ".mlp.fc2")

    def image_features(px):
        b = px.shape[0]
        emb = F.conv2d(px, P["vision_model.embeddings.patch_embedding.weight"], stride=p).flatten(2).transpose(1, 2)
        cls = P["vision_model.embeddings.class_embedding"].reshape(1, 1, vw).expand(b, 1, vw)
        x = torch.cat([cls, emb], 1) + P["vision_model.embeddings.position_embedding.weight"]
        x = ln(x, "vision_model.pre_layrnorm")
        for i in range(vc["num_hidden_layers"]):
            x = layer(x, "vision_model.encoder.layers.%d" % i, vc["num_attention_heads"], None)
        return linear(ln(x[:, 0, :], "vision_model.post_layernorm"), "visual_projection")

    def text_features(ids, mask):
        b, t = ids.shape
        x = F.embedding(ids, P["text_model.embeddings.token_embedding.weight"])
        x = x + P["text_model.embeddings.position_embedding.weight"][:t]
        neg = torch.finfo(torch.float32).min
        causal = torch.full((t, t), neg).triu(1)
        add = causal.reshape(1, 1, t, t) + (1.0 - mask.float()).reshape(b, 1, 1, t) * neg
        for i in range(tc["num_hidden_layers"]):
            x = layer(x, "text_model.encoder.layers.%d" % i, tc["num_attention_heads"], add)
        x = ln(x, "text_model.final_layer_norm")
        eos = (ids == eos_id).int().argmax(-1)
        return linear(x[torch.arange(b), eos], "text_projection")

    def l2n(x):
        return x / x.norm(p=2, dim=-1, keepdim=True)

    tokens = json.load(open(a.tokens))
    ids = torch.tensor(tokens["ids"], dtype=torch.long)
    mask = torch.tensor(tokens["mask"], dtype=torch.long)
    B = ids.shape[0]
    px = torch.randn(B, 3, s, s)
    params = list(L.values()) + [P["logit_scale"]]
    opt = torch.optim.AdamW(params, lr=1e-4)
    labels = torch.arange(B)
    warm = max(2, a.steps // 5)
    for i in range(warm + a.steps):
        if i == warm:
            t0 = time.perf_counter()
        img = l2n(image_features(px))
        txt = l2n(text_features(ids, mask))
        logits = img @ txt.t() * P["logit_scale"].exp().clamp(0, 100)
        loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    train = a.steps * B / (time.perf_counter() - t0)
    epx = torch.randn(a.embed_batch, 3, s, s)
    reps = max(3, a.steps // 2)
    with torch.no_grad():
        for i in range(reps + 2):
            if i == 2:
                t1 = time.perf_counter()
            l2n(image_features(epx))
    embed = reps * a.embed_batch / (time.perf_counter() - t1)
    blas = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.split()[-1]})
    n_base = sum(v.numel() for v in P.values())
    n_lora = sum(v.numel() for v in L.values())
    print(json.dumps({"torch_version": torch.__version__, "threads": torch.get_num_threads(), "batch": B,
                      "train_samples_per_s": train, "embed_images_per_s": embed, "params": n_base,
                      "lora_params": n_lora, "blas": blas}))


if __name__ == "__main__":
    main()
