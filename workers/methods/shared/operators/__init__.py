"""Operator-learning kit: PDE data generators with reference solvers, data sets, models, training.

- ``fields``: Gaussian random fields as Fourier coefficients, evaluated exactly on any grid.
- ``spectral``: periodic closed-form/spectral solvers (heat, advection, screened Poisson) and
  Fourier resampling.
- ``burgers``: viscous Burgers, pseudo-spectral with 2/3 dealiasing and integrating-factor RK4.
- ``darcy``: -div(a grad u) = f on the unit square, finite volumes, ``scipy.sparse`` solve.
- ``problems``: seeded (input, output) data sets of each PDE at a requested resolution.
- ``navier_stokes``: 2-D vorticity on the torus, pseudo-spectral, Crank–Nicolson + Heun.
- ``datasets``: (inputs, outputs) pairs, splits, resolution changes, the .npz cache artifact.
- ``models``: FNO (1-D/2-D spectral convolutions), a plain CNN, a small U-Net, an MLP.
- ``training``: relative L2, and an Adam training loop with a schedule and an epoch callback.
"""
