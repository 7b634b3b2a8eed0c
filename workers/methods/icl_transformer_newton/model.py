"""A GPT-2-style decoder for in-context linear regression, written out in torch.

The layout follows Garg et al. (2022, dtsip/in-context-learning), which Fu et al. (2024) analyse:
the prompt (x_1, y_1, ..., x_n, y_n) becomes 2n tokens in R^d, x_i as is and y_i as (y_i, 0, ..., 0);
a linear read-in maps them to the model width, learned position embeddings are added, L pre-norm
blocks (causal multi-head self-attention, then a 4× GELU MLP, each with a residual connection) follow,
and a final LayerNorm plus a linear read-out give, at the token of x_i, the prediction of y_i.
Causality means that prediction only sees x_1, y_1, ..., x_{i-1}, y_{i-1}, x_i.

Weights are saved with safetensors next to a small JSON of the architecture (``save``/``load``).
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class Architecture:
    n_dims: int  # d, the width of the x tokens
    n_points: int  # the longest prompt, in (x, y) pairs
    n_embd: int
    n_layer: int
    n_head: int

    def to_json(self) -> str:
        return json.dumps({"class": "ICLTransformer", **asdict(self)}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Architecture":
        fields = json.loads(text)
        fields.pop("class", None)
        return cls(**fields)


class CausalSelfAttention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        batch, tokens, width = h.shape
        q, k, v = self.qkv(h).view(batch, tokens, 3, self.heads, width // self.heads).permute(2, 0, 3, 1, 4)
        mixed = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.proj(mixed.transpose(1, 2).reshape(batch, tokens, width))


class Block(nn.Module):
    """h ← h + Attn(LN(h));  h ← h + MLP(LN(h))  (GPT-2's pre-norm block)."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.ln_attn = nn.LayerNorm(width)
        self.attn = CausalSelfAttention(width, heads)
        self.ln_mlp = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(approximate="tanh"), nn.Linear(4 * width, width))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        h = h + self.attn(self.ln_attn(h))
        return h + self.mlp(self.ln_mlp(h))


class ICLTransformer(nn.Module):
    def __init__(self, arch: Architecture):
        super().__init__()
        self.arch = arch
        self.read_in = nn.Linear(arch.n_dims, arch.n_embd)
        self.positions = nn.Embedding(2 * arch.n_points, arch.n_embd)
        self.blocks = nn.ModuleList(Block(arch.n_embd, arch.n_head) for _ in range(arch.n_layer))
        self.ln_final = nn.LayerNorm(arch.n_embd)
        self.read_out = nn.Linear(arch.n_embd, 1)
        self.apply(self._init_weights)
        for block in self.blocks:  # GPT-2: residual projections scaled by 1/√(2L)
            for layer in (block.attn.proj, block.mlp[2]):
                nn.init.normal_(layer.weight, std=0.02 / math.sqrt(2 * arch.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    @staticmethod
    def interleave(xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        """(B, n, d), (B, n) → tokens (B, 2n, d): x_1, (y_1, 0, …), x_2, (y_2, 0, …), …"""
        y_tokens = F.pad(ys.unsqueeze(-1), (0, xs.shape[-1] - 1))
        return torch.stack((xs, y_tokens), dim=2).flatten(1, 2)

    def hidden_states(self, xs: torch.Tensor, ys: torch.Tensor) -> list[torch.Tensor]:
        """Residual stream at the x tokens after the embedding (layer 0) and after each block."""
        tokens = self.interleave(xs, ys)
        h = self.read_in(tokens) + self.positions.weight[: tokens.shape[1]]
        states = [h[:, ::2]]
        for block in self.blocks:
            h = block(h)
            states.append(h[:, ::2])
        return states

    def head(self, last_state: torch.Tensor) -> torch.Tensor:
        return self.read_out(self.ln_final(last_state)).squeeze(-1)

    def forward(self, xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        """Predictions ŷ_i (B, n), each from the pairs before x_i and x_i itself."""
        return self.head(self.hidden_states(xs, ys)[-1])


def save(model: ICLTransformer, weights_path: Path | str, arch_path: Path | str) -> None:
    from safetensors.torch import save_file

    state = {name: tensor.detach().float().cpu().contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, str(weights_path), metadata={"architecture": model.arch.to_json()})
    Path(arch_path).write_text(model.arch.to_json())


def load(weights_path: Path | str, arch_path: Path | str, device: str = "cpu") -> ICLTransformer:
    """The saved model, in eval mode: ``load("model.safetensors", "model.json")``."""
    from safetensors.torch import load_file

    model = ICLTransformer(Architecture.from_json(Path(arch_path).read_text()))
    model.load_state_dict(load_file(str(weights_path), device=device))
    return model.to(device).eval()
