"""Numerics shared between methods (problems, oracles, solvers). No method-specific code."""
