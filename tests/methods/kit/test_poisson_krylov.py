"""Shared Poisson systems and Krylov solvers against SciPy: the assembled Laplacian, CG, IC(0)-PCG."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as sla
import torch

from workers.methods.shared.krylov import conjugate_directions, preconditioned_cg
from workers.methods.shared.poisson import fluid_mask, incomplete_cholesky, poisson_apply, poisson_matrix

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA"))]


def scipy_dirichlet_laplacian(n: int) -> sp.csr_matrix:
    second_difference = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n, n))
    eye = sp.identity(n)
    return (sp.kron(second_difference, eye) + sp.kron(eye, second_difference)).tocsr()


def obstacle_problem(n=12, seed=3):
    rng = np.random.default_rng(seed)
    fluid = fluid_mask(n, 3, rng)
    b = rng.standard_normal(n * n) * fluid.ravel()
    return fluid, poisson_matrix(fluid), b


def test_without_obstacles_the_matrix_is_scipys_dirichlet_laplacian():
    fluid = np.ones((9, 9), dtype=bool)
    assert abs(poisson_matrix(fluid) - scipy_dirichlet_laplacian(9)).max() == 0.0


def test_with_obstacles_the_matrix_is_spd_and_solids_are_decoupled():
    fluid, a, _ = obstacle_problem()
    assert not fluid.all()
    dense = a.toarray()
    assert np.allclose(dense, dense.T)
    assert np.linalg.eigvalsh(dense).min() > 1e-8
    solid = np.flatnonzero(~fluid.ravel())
    assert np.array_equal(dense[solid][:, solid], np.eye(len(solid)))
    assert np.abs(dense[np.ix_(solid, np.flatnonzero(fluid.ravel()))]).max() == 0.0


@pytest.mark.parametrize("device", DEVICES)
def test_the_matrix_free_product_matches_the_assembled_matrix(device):
    fluid, a, _ = obstacle_problem()
    x = np.random.default_rng(0).standard_normal((2, *fluid.shape))
    got = poisson_apply(torch.as_tensor(x, device=device), torch.as_tensor(fluid, device=device))
    expected = np.stack([(a @ xi.ravel()).reshape(fluid.shape) for xi in x])
    assert np.allclose(got.cpu().numpy(), expected, atol=1e-12)


def test_incomplete_cholesky_matches_a_on_its_pattern():
    fluid, a, _ = obstacle_problem()
    lower = incomplete_cholesky(fluid)
    product = (lower @ lower.T).toarray()
    pattern = a.toarray() != 0
    assert np.allclose(product[pattern], a.toarray()[pattern], atol=1e-12)
    assert sp.tril(lower).nnz == lower.nnz


def scipy_cg_iterations(a, b, rtol, preconditioner=None):
    count = []
    x, info = sla.cg(a, b, rtol=rtol, atol=0.0, maxiter=5000, M=preconditioner, callback=lambda xk: count.append(1))
    return x, len(count), info


def test_our_cg_takes_scipys_iterations_to_the_same_solution():
    fluid, a, b = obstacle_problem(n=16)
    matvec = lambda v: torch.as_tensor(a @ v.numpy())
    ours = preconditioned_cg(matvec, torch.as_tensor(b), rtol=1e-8, max_iters=5000)
    x, iterations, info = scipy_cg_iterations(a, b, 1e-8)
    assert info == 0 and ours.converged
    assert abs(ours.iterations - iterations) <= 1
    assert np.linalg.norm(b - a @ ours.x.numpy()) <= 1e-8 * np.linalg.norm(b)
    assert np.allclose(ours.x.numpy(), x, atol=1e-6)


def test_ic0_preconditioned_cg_matches_scipy_with_the_same_preconditioner_and_beats_plain_cg():
    fluid, a, b = obstacle_problem(n=16)
    lower = incomplete_cholesky(fluid)
    upper = lower.T.tocsr()

    def apply_ic(r):
        return sla.spsolve_triangular(upper, sla.spsolve_triangular(lower, r, lower=True), lower=False)

    preconditioner = sla.LinearOperator(a.shape, matvec=apply_ic)
    ours = preconditioned_cg(lambda v: torch.as_tensor(a @ v.numpy()), torch.as_tensor(b), rtol=1e-8, max_iters=5000,
                             precondition=lambda r: torch.as_tensor(apply_ic(r.numpy())))
    _, iterations, info = scipy_cg_iterations(a, b, 1e-8, preconditioner)
    _, plain, _ = scipy_cg_iterations(a, b, 1e-8)
    assert info == 0 and ours.converged
    assert abs(ours.iterations - iterations) <= 1
    assert iterations < plain


def test_conjugate_directions_with_the_identity_proposer_is_cg():
    fluid, a, b = obstacle_problem(n=10)
    matvec = lambda v: torch.as_tensor(a @ v.numpy())
    cg = preconditioned_cg(matvec, torch.as_tensor(b), rtol=1e-6, max_iters=500)
    cd = conjugate_directions(matvec, torch.as_tensor(b), lambda r: r, rtol=1e-6, max_iters=500, memory=1)
    assert cd.converged and abs(cd.iterations - cg.iterations) <= 1
    assert np.allclose(cd.residuals[:10], cg.residuals[:10], rtol=1e-6)


def test_conjugate_directions_with_the_exact_inverse_converges_in_one_step():
    fluid, a, b = obstacle_problem(n=10)
    dense_inverse = np.linalg.inv(a.toarray())
    result = conjugate_directions(lambda v: torch.as_tensor(a @ v.numpy()), torch.as_tensor(b),
                                  lambda r: torch.as_tensor(dense_inverse @ r.numpy()), rtol=1e-10, max_iters=5)
    assert result.iterations == 1 and result.converged
