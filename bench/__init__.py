"""ReproLab's benchmarks: the lab's own overhead, big curves, and each method against the
reference libraries. `make bench` (or `python -m bench`) writes bench/report.md and report.json."""
