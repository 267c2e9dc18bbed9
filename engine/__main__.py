"""The engine as a tool: `python -m engine evaluate [FILE]`, `tiers refresh`, `tiers list`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from engine.cli import evaluate_cmd, list_cmd, refresh_cmd


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate_cmd.register(commands)
    tiers = commands.add_parser("tiers", help="tier tables").add_subparsers(
        dest="tiers_command", required=True
    )
    refresh_cmd.register(tiers)
    list_cmd.register(tiers)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
