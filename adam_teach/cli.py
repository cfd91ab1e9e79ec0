"""The `adam-teach` command. Each sub-command lives in its own module, imported only
when it is used, so `adam-teach --help` is instant."""

import argparse
import importlib
import sys

# name -> (module, one-line help). Each module has add_arguments(parser) and main(args) -> int.
COMMANDS = {
    "execute": ("adam_teach.notebook_runner", "execute notebooks in place and store their outputs"),
    "release": ("adam_teach.release", "generate exercises/ from solutions/ with nbgrader's preprocessors"),
    "grade": ("adam_teach.grading.command", "grade submitted exercise notebooks"),
    "gradescope": ("adam_teach.gradescope", "write a Gradescope autograder zip"),
}


def build_parser():
    parser = argparse.ArgumentParser(prog="adam-teach", description="The adam-teach course tools.")
    parser.add_argument("--version", action="version", version=f"adam-teach {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(module=module_name)
    return parser


def _version():
    from . import __version__

    return __version__


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv or argv[0] not in COMMANDS:
        parser.parse_args(argv)  # --help, --version, or an error (exit status 2)
        parser.print_help()
        return 2
    name = argv[0]
    module = importlib.import_module(COMMANDS[name][0])
    sub = argparse.ArgumentParser(prog=f"adam-teach {name}", description=COMMANDS[name][1])
    module.add_arguments(sub)
    return module.main(sub.parse_args(argv[1:])) or 0


if __name__ == "__main__":
    sys.exit(main())
