"""The science: one module per method, named by its slug. Pure numpy/scipy/torch.

See ``base.py`` for the contract and ``registry.py`` for the list of methods.
"""
