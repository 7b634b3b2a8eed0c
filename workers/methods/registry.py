"""The explicit list of methods: slug -> module. Modules are imported on first use so that
listing the catalog does not import every method's dependencies."""
from __future__ import annotations

import importlib
import os

from .base import MethodSpec

REGISTRY: dict[str, str] = {
    "adasketch-newton": "workers.methods.adasketch_newton",
    "grad-norm-smooth-newton": "workers.methods.grad_norm_smooth_newton",
    "icl-transformer-newton": "workers.methods.icl_transformer_newton",
    "bcd-greedy-rules": "workers.methods.bcd_greedy_rules",
    "convex-relu-admm": "workers.methods.convex_relu_admm",
    "sinkhorn-newton-sparse": "workers.methods.sinkhorn_newton_sparse",
    "learning-to-relax-sor-bandit": "workers.methods.learning_to_relax_sor_bandit",
    "intrl-quadrature": "workers.methods.intrl_quadrature",
    "vr-halpern": "workers.methods.vr_halpern",
    "autonumerics-zero": "workers.methods.autonumerics_zero",
    "pcf-blind-delta": "workers.methods.pcf_blind_delta",
    "local-reg-neural-de": "workers.methods.local_reg_neural_de",
    "solver-heuristic-reg-node": "workers.methods.solver_heuristic_reg_node",
    "neural-compilation-gnn": "workers.methods.neural_compilation_gnn",
    "npg-igt-harpg": "workers.methods.npg_igt_harpg",
    "lfa-explanations": "workers.methods.lfa_explanations",
    "ep-jacobian-homeostasis": "workers.methods.ep_jacobian_homeostasis",
    "nns-to-neural-operators": "workers.methods.nns_to_neural_operators",
    "mgno-multigrid-operator": "workers.methods.mgno_multigrid_operator",
    "cape-channel-attention": "workers.methods.cape_channel_attention",
    "wikides-short-descriptions": "workers.methods.wikides_short_descriptions",
    "math-program-synthesis": "workers.methods.math_program_synthesis",
    "deep-conjugate-direction": "workers.methods.deep_conjugate_direction",
    "nn4mc-newton-mpc-vs-pid": "workers.methods.nn4mc_newton_mpc_vs_pid",
    "prose-multimodal-operator": "workers.methods.prose_multimodal_operator",
    "pinn-singular-odes": "workers.methods.pinn_singular_odes",
    "physics-informed-gaussians": "workers.methods.physics_informed_gaussians",
    "barron-nonlinear-pde": "workers.methods.barron_nonlinear_pde",
    "adahessian": "workers.methods.adahessian",
    "sgd-stability-trace": "workers.methods.sgd_stability_trace",
    "rmt-lr-batch-scaling": "workers.methods.rmt_lr_batch_scaling",
    "local-lipschitz-bound-prop": "workers.methods.local_lipschitz_bound_prop",
    "neural-de-kidger": "workers.methods.neural_de_kidger",
    "mm-pde-dmm": "workers.methods.mm_pde_dmm",
    "upinn-symbolic-discovery": "workers.methods.upinn_symbolic_discovery",
    "pi-hc-moe-hard-constraints": "workers.methods.pi_hc_moe_hard_constraints",
    "aas-pinn-ot": "workers.methods.aas_pinn_ot",
    "melissa-online-training": "workers.methods.melissa_online_training",
    "giorom-reduced-order-operator": "workers.methods.giorom_reduced_order_operator",
    "neuralstagger": "workers.methods.neuralstagger",
    "equino-multiscale": "workers.methods.equino_multiscale",
    "nclaw": "workers.methods.nclaw",

}


class UnknownMethod(KeyError):
    def __init__(self, slug: str):
        self.slug = slug
        super().__init__(slug)

    def __str__(self) -> str:
        return f"unknown method {self.slug!r}; known methods: {', '.join(sorted(REGISTRY))}"


def extra_methods() -> dict[str, str]:
    """Methods added outside the catalog, e.g. the test suite's probes:
    REPROLAB_EXTRA_METHODS="slug=package.module,slug2=package.module2"."""
    pairs = [p.split("=", 1) for p in os.environ.get("REPROLAB_EXTRA_METHODS", "").split(",") if "=" in p]
    return {slug.strip(): module.strip() for slug, module in pairs}


def get_method(slug: str) -> MethodSpec:
    modules = {**extra_methods(), **REGISTRY}
    if slug not in modules:
        raise UnknownMethod(slug)
    method = importlib.import_module(modules[slug]).METHOD
    if method.slug != slug:
        raise RuntimeError(f"registry entry {slug!r} points to a module declaring {method.slug!r}")
    return method


def all_methods() -> list[MethodSpec]:
    return [get_method(slug) for slug in REGISTRY]
