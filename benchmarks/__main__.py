"""`python -m benchmarks run --sizes 1000,10000 --runs 3`, `python -m benchmarks plot`,
`python -m benchmarks search` (the search yardstick against Pagefind), or
`python -m benchmarks paired` (two versions of digest in turn).

See benchmarks/README.md.
"""

import sys

if sys.argv[1:2] == ["plot"]:
    from benchmarks.plot import main as plot

    plot(sys.argv[2:])
elif sys.argv[1:2] == ["paired"]:
    from benchmarks.paired import main as paired

    paired(sys.argv[2:])
elif sys.argv[1:2] == ["search"]:
    from benchmarks.search_eval import main as search

    search(sys.argv[2:])
else:
    from benchmarks.run import main

    main()
