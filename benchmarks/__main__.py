"""`python -m benchmarks run --sizes 1000,10000 --runs 3`: see benchmarks/README.md."""

from benchmarks.run import main

main()
