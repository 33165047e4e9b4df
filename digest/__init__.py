"""digest: a static site generator for curated digests."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("digest")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
