"""The engine's command-line edge: the only place in `engine` that reads files or the network."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_tiers_dir"]


def add_tiers_dir(parser: argparse.ArgumentParser, purpose: str) -> None:
    """`--tiers-dir`, repeatable: folders of tier files read beside the shipped ones."""
    parser.add_argument("--tiers-dir", action="append", default=[], type=Path, help=purpose)
