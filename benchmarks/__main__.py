"""`python -m benchmarks run --sizes 1000,10000 --runs 3`, or `python -m benchmarks plot`.

See benchmarks/README.md.
"""

import sys

if sys.argv[1:2] == ["plot"]:
    from benchmarks.plot import main as plot

    plot(sys.argv[2:])
else:
    from benchmarks.run import main

    main()
