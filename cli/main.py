"""The `tiltakskart` command line: a parser over a list of commands (the library's, and any a
caller adds: the app adds `serve`), settings from the environment under the flags, one-line
errors naming the flag or variable a wrong value came from.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from cli.commands import COMMANDS
from cli.options import Command
from geo.errors import TiltakskartError
from geo.reading.document import CONTROL_CHARS
from geo.settings import ENVIRONMENT, FLAGS


def build_parser(commands: Sequence[Command] = COMMANDS) -> argparse.ArgumentParser:
    """The `tiltakskart` parser with one subcommand per command, in the order given."""
    parser = argparse.ArgumentParser(
        prog="tiltakskart",
        description="Which of the region's measures land on which municipality.",
        epilog="Settings from the environment: "
        + ", ".join(ENVIRONMENT)
        + "; flags override them.",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log fetches, cache hits and fallbacks"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in commands:
        one = sub.add_parser(command.name, help=command.help, description=command.description)
        command.options(one)
        one.set_defaults(func=command.run)
    return parser


def configure_logging(verbose: bool) -> None:
    """Show the library's log on standard error: warnings, or with -v also fetches, cache hits
    and fallbacks. Only our own loggers: the web server keeps its own format."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("tiltakskart: %(levelname)s: %(name)s: %(message)s"))
    for name in ("geo", "app"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO if verbose else logging.WARNING)
        logger.propagate = False


def describe(exc: TiltakskartError, args: argparse.Namespace | None = None) -> str:
    """The error as one line, with the flag or the variable the wrong value came from (the
    variable when the flag was not given)."""
    setting = exc.setting or ""
    variable = next((name for name, field in ENVIRONMENT.items() if field == setting), None)
    flag = FLAGS.get(setting)
    from_flag = args is not None and getattr(args, setting, None) is not None
    text = " ".join(str(exc).split())  # one line, whatever the value held
    if flag and exc.value is not None and (from_flag or variable is None or args is None):
        return f"{flag} {text}"
    if variable and exc.value is not None and os.environ.get(variable):
        return f"{variable}={text}"
    if setting.startswith("TILTAKSKART_"):
        return f"{setting}={text}"
    return text


def _log_unraisable(unraisable: Any) -> None:
    """An error during cleanup after a reported failure (openpyxl closing its temporary files on
    a full disk) is logged, not printed as a traceback under the one-line error."""
    logging.getLogger("geo").debug("ignored during cleanup: %r", unraisable.exc_value)


_COLOUR = re.compile(r"\x1b\[[0-9;]{0,12}m")  # SGR: colour and weight only


class TerminalSafe(io.TextIOBase):
    """A text stream that shows control characters as escapes ('\\x1b') instead of passing
    them to the terminal: values from outside (an API answer, a flag, a gazetteer) reach
    messages, and an escape sequence there could rewrite what the user sees."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        plain = _COLOUR.sub("", text)  # a library's own colours (werkzeug's banner): dropped
        self.stream.write(CONTROL_CHARS.sub(lambda m: repr(m.group())[1:-1], plain))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()


def main(argv: list[str] | None = None, commands: Sequence[Command] = COMMANDS) -> int:
    """Run one command line; the exit status: 0, 1 (text that could not be placed), 2 (a
    problem the user can fix, said in one line) or 130 (interrupted)."""
    with (
        contextlib.redirect_stdout(TerminalSafe(sys.stdout)),
        contextlib.redirect_stderr(TerminalSafe(sys.stderr)),
    ):
        args = build_parser(commands).parse_args(argv)
        configure_logging(args.verbose)
        sys.unraisablehook = _log_unraisable
        try:
            return int(args.func(args))
        except TiltakskartError as exc:
            print(f"tiltakskart: error: {describe(exc, args)}", file=sys.stderr)
            return 2
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (e.g. `| head`); not an error of ours
            return 0
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main())
