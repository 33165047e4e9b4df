"""digest: a static site generator for curated digests."""

# A constant rather than an importlib.metadata lookup: it is read on every start, and
# pyproject.toml takes the package version from here.
__version__ = "0.1.0"

__all__ = ["__version__"]
