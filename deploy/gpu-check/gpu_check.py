#!/usr/bin/env python3
"""GPU check for a CUDA machine with Python, torch, transformers and peft but no JDK.

Reads a bundle that GpuCheckBundle wrote on a machine with a JDK (see README.md beside this file):
  BUNDLE/base/                 the generated tiny CLIP, Hugging Face layout
  BUNDLE/experts/<name>/       one PEFT LoRA adapter per expert (adapter_config.json, adapter_model.safetensors)
  BUNDLE/dump/<base|name>.json this project's inputs (token ids, masks, pixel values) and embeddings of them

Checks, each printed as one line "CHECK <name>: PASS|FAIL|SKIP <detail>":
  embeddings   transformers.CLIPModel on the project's inputs against the project's embeddings
  experts      every expert loaded with peft (PeftModel.load_adapter(path, adapter_name=name)), each selected in
               turn, against the project's embeddings through that expert
  lora-step    a ViT-B/32-shaped CLIP with LoRA (r=8 on q/k/v/out of both towers): ms per training step in fp32,
               fp16 autocast (with a GradScaler) and bf16 autocast, on the GPU (on a CPU: a few small steps, to show
               the code runs)
Without transformers or peft the first two fall back to a pure-torch reference (the same forward written out in
torch, adapters merged by hand) and say so; lora-step is skipped. Without torch every check is skipped. Exit
status 1 when a check fails, 0 otherwise (skips included). --json FILE writes the results.
"""
import argparse
import importlib.util
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "..", "shared", "clip", "src", "test", "python", "compare_with_hf.py")
TOLERANCE = 1e-4


def have(module):
    return importlib.util.find_spec(module) is not None


def report(results, name, status, detail):
    results.append({"check": name, "status": status, "detail": detail})
    print(f"CHECK {name}: {status} {detail}", flush=True)


def load_reference():
    spec = importlib.util.spec_from_file_location("compare_with_hf", REFERENCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inputs(torch, dump):
    ids = torch.tensor(dump["input_ids"], dtype=torch.long)
    mask = torch.tensor(dump["attention_mask"], dtype=torch.long)
    pixels = torch.tensor(dump["pixel_values"], dtype=torch.float32).view(-1, *dump["pixel_shape"])
    return ids, mask, pixels


def max_diff(torch, dump, img, txt):
    img = img / img.norm(dim=-1, keepdim=True)
    txt = txt / txt.norm(dim=-1, keepdim=True)
    di = (img.float().cpu() - torch.tensor(dump["image_embeds"])).abs().max().item()
    dt = (txt.float().cpu() - torch.tensor(dump["text_embeds"])).abs().max().item()
    return max(di, dt)


def hf_embeddings(torch, model, ids, mask, pixels, device):
    with torch.no_grad():
        out = model(input_ids=ids.to(device), attention_mask=mask.to(device), pixel_values=pixels.to(device))
    return out.image_embeds, out.text_embeds


def check_embeddings(torch, bundle, device, results):
    dump = json.load(open(os.path.join(bundle, "dump", "base.json")))
    ids, mask, pixels = inputs(torch, dump)
    base = os.path.join(bundle, "base")
    if have("transformers"):
        from transformers import CLIPModel
        model = CLIPModel.from_pretrained(base, torch_dtype=torch.float32).to(device).eval()
        img, txt = hf_embeddings(torch, model, ids, mask, pixels, device)
        reference = f"transformers.CLIPModel on {device}"
    else:
        img, txt, _ = load_reference().torch_reference(base, None, ids, mask, pixels)
        reference = "pure-torch reference (transformers not installed)"
    d = max_diff(torch, dump, img, txt)
    report(results, "embeddings", "PASS" if d < TOLERANCE else "FAIL", f"max |diff| {d:.2e} against {reference}")


def experts(bundle):
    root = os.path.join(bundle, "experts")
    return sorted(n for n in os.listdir(root) if os.path.isfile(os.path.join(root, n, "adapter_config.json"))) \
        if os.path.isdir(root) else []


def check_experts(torch, bundle, device, results):
    names = experts(bundle)
    if not names:
        report(results, "experts", "SKIP", "the bundle holds no expert")
        return
    base = os.path.join(bundle, "base")
    worst = 0.0
    if have("transformers") and have("peft"):
        from peft import PeftModel
        from transformers import CLIPModel
        model = CLIPModel.from_pretrained(base, torch_dtype=torch.float32).to(device).eval()
        first = os.path.join(bundle, "experts", names[0])
        model = PeftModel.from_pretrained(model, first, adapter_name=names[0]).to(device).eval()
        for name in names[1:]:
            model.load_adapter(os.path.join(bundle, "experts", name), adapter_name=name)
        for name in names:
            model.set_adapter(name)
            dump = json.load(open(os.path.join(bundle, "dump", name + ".json")))
            ids, mask, pixels = inputs(torch, dump)
            img, txt = hf_embeddings(torch, model, ids, mask, pixels, device)
            worst = max(worst, max_diff(torch, dump, img, txt))
        reference = f"peft.PeftModel, {len(names)} adapters by name, on {device}"
    else:
        ref = load_reference()
        for name in names:
            dump = json.load(open(os.path.join(bundle, "dump", name + ".json")))
            ids, mask, pixels = inputs(torch, dump)
            img, txt, _ = ref.torch_reference(base, os.path.join(bundle, "experts", name), ids, mask, pixels)
            worst = max(worst, max_diff(torch, dump, img, txt))
        missing = " and ".join(m for m in ("transformers", "peft") if not have(m))
        reference = f"pure-torch reference, adapters merged by hand ({missing} not installed)"
    report(results, "experts", "PASS" if worst < TOLERANCE else "FAIL",
           f"{', '.join(names)}: max |diff| {worst:.2e} against {reference}")


def check_lora_step(torch, device, steps, batch, results):
    if not (have("transformers") and have("peft")):
        missing = " and ".join(m for m in ("transformers", "peft") if not have(m))
        report(results, "lora-step", "SKIP", f"{missing} not installed")
        return
    from peft import LoraConfig, get_peft_model
    from transformers import CLIPConfig, CLIPModel
    cfg = CLIPConfig(
        text_config=dict(hidden_size=512, intermediate_size=2048, num_attention_heads=8, num_hidden_layers=12,
                         max_position_embeddings=77, vocab_size=49408),
        vision_config=dict(hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12,
                           image_size=224, patch_size=32),
        projection_dim=512)
    torch.manual_seed(0)
    model = get_peft_model(CLIPModel(cfg), LoraConfig(r=8, lora_alpha=16,
                                                      target_modules=["q_proj", "k_proj", "v_proj", "out_proj"]))
    model.to(device).train()
    ids = torch.randint(0, 49408, (batch, 77), device=device)
    pixels = torch.randn(batch, 3, 224, 224, device=device)
    modes = [("fp32", None), ("fp16-autocast", torch.float16)]
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        modes.append(("bf16-autocast", torch.bfloat16))
    timings = {}
    for label, dtype in modes:
        opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
        scaler = torch.cuda.amp.GradScaler() if dtype == torch.float16 and device.type == "cuda" else None

        def step():
            opt.zero_grad(set_to_none=True)
            with torch.autocast(device_type=device.type, dtype=dtype, enabled=dtype is not None):
                out = model(input_ids=ids, pixel_values=pixels, return_loss=True)
            if scaler is None:
                out.loss.backward()
                opt.step()
            else:
                scaler.scale(out.loss).backward()
                scaler.step(opt)
                scaler.update()

        try:
            step()  # warm-up: kernels, allocator
            if device.type == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            for _ in range(steps):
                step()
            if device.type == "cuda":
                torch.cuda.synchronize()
            ms = 1000 * (time.perf_counter() - t0) / steps
            timings[label] = ms
        except RuntimeError as e:  # e.g. fp16 ops missing on an old CPU build
            timings[label] = None
            print(f"  {label}: {str(e).splitlines()[0]}")
    line = ", ".join(f"{k} {v:.1f} ms/step ({batch * 1000 / v:.0f} samples/s)" if v else f"{k} failed"
                     for k, v in timings.items())
    report(results, "lora-step", "PASS" if timings.get("fp32") else "FAIL",
           f"ViT-B/32-shaped CLIP + LoRA r=8, batch {batch}, {steps} steps on {device}: {line}")
    results[-1]["ms_per_step"] = timings


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bundle", required=True, help="folder GpuCheckBundle wrote")
    ap.add_argument("--steps", type=int, default=20, help="timed LoRA steps per precision on a GPU (default 20)")
    ap.add_argument("--batch", type=int, default=64, help="LoRA step batch on a GPU (default 64)")
    ap.add_argument("--skip-lora-step", action="store_true", help="only the comparisons")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()
    results = []
    if not have("torch"):
        for name in ("embeddings", "experts", "lora-step"):
            report(results, name, "SKIP", "torch not installed")
    else:
        import torch
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        print(f"torch {torch.__version__}, device {device}"
              + (f" ({torch.cuda.get_device_name(0)})" if device.type == "cuda" else ", no CUDA device"), flush=True)
        check_embeddings(torch, a.bundle, device, results)
        check_experts(torch, a.bundle, device, results)
        if a.skip_lora_step:
            report(results, "lora-step", "SKIP", "--skip-lora-step")
        else:
            on_gpu = device.type == "cuda"
            check_lora_step(torch, device, a.steps if on_gpu else 2, a.batch if on_gpu else 2, results)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=2)
    sys.exit(1 if any(r["status"] == "FAIL" for r in results) else 0)


if __name__ == "__main__":
    main()
