"""PROSE at small scale (Liu, Zhang, Schaeffer 2024, Fig. 2): data encoder, symbol encoder, fusion
encoder, an operator decoder queried at output times, and an autoregressive symbol decoder.

- data: the observed trajectory (t_i, u(t_i)), t_i in the input window, embedded linearly;
- symbols: the guessed equation's tokens with learned position embeddings;
- fusion: one transformer over both sequences, each tagged with a modality embedding;
- operator decoder: query embeddings of the output times cross-attend the fused features -> û(t');
- symbol decoder: causal transformer decoder over the target tokens, cross-attending the fused features.

``use_symbols=False`` gives the data-only baseline with the same data path.
"""
from __future__ import annotations

import torch
from torch import nn

from .symbols import BOS, EOS, PAD, VOCABULARY


def _encoder(dim: int, heads: int, layers: int) -> nn.TransformerEncoder:
    layer = nn.TransformerEncoderLayer(dim, heads, 2 * dim, dropout=0.0, batch_first=True, norm_first=True)
    return nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)


def _decoder(dim: int, heads: int, layers: int) -> nn.TransformerDecoder:
    layer = nn.TransformerDecoderLayer(dim, heads, 2 * dim, dropout=0.0, batch_first=True, norm_first=True)
    return nn.TransformerDecoder(layer, layers)


class Prose(nn.Module):
    def __init__(self, dim: int, heads: int, layers: int, max_tokens: int, use_symbols: bool, symbol_decoder: bool):
        super().__init__()
        self.use_symbols, self.has_symbol_decoder = use_symbols, symbol_decoder
        self.data_embed = nn.Linear(4, dim)
        self.data_encoder = _encoder(dim, heads, layers)
        if use_symbols:
            self.token_embed = nn.Embedding(len(VOCABULARY), dim, padding_idx=PAD)
            self.token_position = nn.Embedding(max_tokens, dim)
            self.symbol_encoder = _encoder(dim, heads, layers)
            self.modality = nn.Embedding(2, dim)
        self.fusion = _encoder(dim, heads, layers)
        self.query_embed = nn.Sequential(nn.Linear(1, dim), nn.GELU(), nn.Linear(dim, dim))
        self.operator_decoder = _decoder(dim, heads, layers)
        self.readout = nn.Linear(dim, 3)
        if symbol_decoder:
            self.output_embed = nn.Embedding(len(VOCABULARY), dim, padding_idx=PAD)
            self.output_position = nn.Embedding(max_tokens, dim)
            self.symbol_decoder = _decoder(dim, heads, layers)
            self.token_head = nn.Linear(dim, len(VOCABULARY))

    def encode(self, data: torch.Tensor, tokens: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """data (B, n, 4) = (t, u); tokens (B, L) -> fused features and their padding mask."""
        features = self.data_encoder(self.data_embed(data))
        if not self.use_symbols:
            return self.fusion(features), None
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        padding = tokens == PAD
        symbols = self.symbol_encoder(self.token_embed(tokens) + self.token_position(positions), src_key_padding_mask=padding)
        joint = torch.cat([features + self.modality.weight[0], symbols + self.modality.weight[1]], dim=1)
        mask = torch.cat([torch.zeros_like(padding[:, :1]).expand(-1, features.shape[1]), padding], dim=1)
        return self.fusion(joint, src_key_padding_mask=mask), mask

    def predict(self, memory: torch.Tensor, mask: torch.Tensor | None, query_times: torch.Tensor) -> torch.Tensor:
        """û at query_times (B, m) -> (B, m, 3)."""
        queries = self.query_embed(query_times[..., None])
        return self.readout(self.operator_decoder(queries, memory, memory_key_padding_mask=mask))

    def symbol_logits(self, memory: torch.Tensor, mask: torch.Tensor | None, previous: torch.Tensor) -> torch.Tensor:
        """Next-token logits (B, L, V) given the target tokens so far (teacher forcing)."""
        length = previous.shape[1]
        positions = torch.arange(length, device=previous.device)
        causal = nn.Transformer.generate_square_subsequent_mask(length, device=previous.device)
        hidden = self.symbol_decoder(self.output_embed(previous) + self.output_position(positions), memory, tgt_mask=causal,
                                     tgt_is_causal=True, tgt_key_padding_mask=previous == PAD,
                                     memory_key_padding_mask=mask)
        return self.token_head(hidden)

    @torch.no_grad()
    def greedy_decode(self, memory: torch.Tensor, mask: torch.Tensor | None, max_tokens: int) -> torch.Tensor:
        """Greedy decoding from <bos> until every row has produced <eos> or max_tokens."""
        out = torch.full((memory.shape[0], 1), BOS, dtype=torch.long, device=memory.device)
        finished = torch.zeros(memory.shape[0], dtype=torch.bool, device=memory.device)
        for _ in range(max_tokens - 1):
            nxt = self.symbol_logits(memory, mask, out)[:, -1].argmax(dim=-1)
            nxt = torch.where(finished, torch.full_like(nxt, PAD), nxt)
            out = torch.cat([out, nxt[:, None]], dim=1)
            finished |= nxt == EOS
            if bool(finished.all()):
                break
        return out
