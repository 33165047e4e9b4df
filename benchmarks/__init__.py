"""Build-time benchmarks of digest against peer generators; see benchmarks/README.md."""
