"""The ``explainer`` command's entry point: builds the parser from the command modules, runs
the chosen one, and turns every failure into one line and an exit status.

Each command is a module of this package that parses and prints only (listed in
:mod:`explainer.cli.commands`); what they share is in :mod:`explainer.cli.options`.

Every failure a person can cause ends in one line on stderr that names the problem and the fix,
and an exit status from :class:`explainer.errors.ExitCode`; never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import io
import os
import sys
from collections.abc import Sequence

from explainer.cli.commands import COMMANDS
from explainer.errors import ExitCode, ExplainerError, InputError, KnowledgeBaseError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: --help stays light
if TYPE_CHECKING:
    from typing import NoReturn

    from explainer.kb.knowledge import KnowledgeBase

PROG = "explainer"

FIRST_TIME = ("New here? Run 'explainer interview': it asks one question at a time (any can be "
              "answered \"I don't know\") and then shows the short answer.")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one clear line (raised, not printed and exited)."""

    def error(self, message: str) -> NoReturn:
        raise InputError(f"{_with_hint(message)} (see '{self.prog} --help')")


def _with_hint(message: str) -> str:
    """argparse's message, with the closest choice named when a choice was mistyped
    ("invalid choice: 'factrs'" gets "did you mean 'factors'?")."""
    import re

    found = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)$", message)
    if found is None:
        return message
    near = _closest(found.group(1), re.findall(r"'([^']*)'", found.group(2)))
    return f"{message} (did you mean '{near}'?)" if near else message


def _unrecognized(words: Sequence[str], command: argparse.ArgumentParser,
                  kb: KnowledgeBase | None) -> InputError:
    """A one-line error for unknown options, suggesting the closest real one."""
    flags = [flag for action in command._actions for flag in action.option_strings]
    # People often type the JSON field name as a flag (--hr-status); point them to the flag.
    by_field = {}
    if kb is not None:
        for factor in kb.factors.values():
            for spelling in (factor.id, factor.id.replace("_", "-")):
                by_field[f"--{spelling}"] = f"--{factor.cli_flag}"
    hints = []
    after_flag = False
    for word in words:
        name = word.split("=")[0]
        if not name.startswith("-"):
            if not after_flag:
                hints.append(f"'{word}' is not an option (a value goes after its flag, "
                             "e.g. --stage IV)")
            after_flag = False
            continue
        after_flag = "=" not in word
        near = by_field.get(name) or _closest(name, flags)
        if near:
            hints.append(f"{name}: did you mean {near}?")
    message = f"unrecognized arguments: {' '.join(words)}"
    if hints:
        message += " (" + "; ".join(hints) + ")"
    return InputError(f"{message} (see '{command.prog} --help')")


def _closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice closest to ``word``, if one is close (difflib is imported only here)."""
    import difflib

    return next(iter(difflib.get_close_matches(word, choices, n=1)), None)


def _load_kb_quietly(argv: Sequence[str]) -> tuple[KnowledgeBase | None, KnowledgeBaseError | None]:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--knowledge")
    pre.add_argument("--lang")
    known, _ = pre.parse_known_args(argv)
    from explainer.kb.language import choose_language

    lang = choose_language(known.lang)  # a bad language is one line (exit 2), here already
    try:
        # The knowledge base alone: building the rules engine is left to the commands that
        # explain, so that --help and the listing commands stay light.
        from explainer.kb.loader import load_knowledge

        return load_knowledge(known.knowledge, lang=lang), None
    except KnowledgeBaseError as error:
        return None, error


def build_parser(kb: KnowledgeBase | None, command: str | None = None
                 ) -> argparse.ArgumentParser:
    """The argument parser (factor flags come from ``kb``).

    With ``command`` (the command about to run), only that command is registered, and only its
    module imported. With ``command=""`` (the top-level ``--help``, ``--version``, a mistyped
    command) no command module is imported: each command gets a placeholder that carries its
    one-line help, which is all the top-level help and the "did you mean" hint need. Without
    it every command is registered fully.
    """
    from explainer import __version__

    parser = _Parser(
        prog=PROG, allow_abbrev=False,
        description="Explain, in plain language, which breast cancer treatment categories are "
                    "often discussed for the factors you enter, and why. Education only, not "
                    "medical advice: please discuss your situation with your doctor.",
        epilog="Run 'explainer COMMAND --help' for each command's options. " + FIRST_TIME)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    for name, (module_name, one_line) in COMMANDS.items():
        if command is not None and name != command:
            if not command:  # a placeholder costs as much to make as a parser
                commands.add_parser(name, add_help=False, help=one_line)
            continue
        from explainer.cli.options import add_command

        module = importlib.import_module(module_name)
        command_parser = add_command(commands, name, description=module.DESCRIPTION,
                                     epilog=module.EPILOG, handler=module.run)
        # A command with factor flags also takes the knowledge base they come from.
        if name in FACTOR_FLAG_COMMANDS:
            module.add_arguments(command_parser, kb)
        else:
            module.add_arguments(command_parser)
    return parser


# The commands whose options come from the knowledge base (a flag per factor): the only ones
# for which the knowledge base is loaded before the command line is parsed.
FACTOR_FLAG_COMMANDS = frozenset({"explain", "why"})


def _needs_kb_to_parse(argv: Sequence[str], command: str | None) -> bool:
    """Whether parsing ``argv`` needs the factor flags. Not for ``--help``, ``--version`` or a
    command without factor flags (those load the knowledge base when they run, if at all)."""
    if command is not None:
        return command in FACTOR_FLAG_COMMANDS
    return not any(word in ("-h", "--help", "--version") for word in argv)


def _command_of(argv: Sequence[str]) -> str | None:
    """The command named on the command line, if it is a known one (None otherwise)."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


class _ClosedOutput(io.TextIOBase):
    """Standard output when the program was started without one: every write fails, so the
    command ends with one line instead of printing nowhere."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False


def _fail(message: str, code: int) -> int:
    if sys.stderr is not None:
        with contextlib.suppress(OSError):
            print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def _run_in_language(args: argparse.Namespace) -> int:
    """Run the command, in the language asked for (``--lang``, ``$EXPLAINER_LANG``): its
    phrases are the ones every renderer reads while it runs. A command that loads its
    language's knowledge base itself, when it needs it, says so (``own_language``)."""
    if not hasattr(args, "lang") or getattr(args, "own_language", False):
        return int(args.handler(args))
    from explainer.cli.options import knowledge_for, language_for

    if language_for(args) == "en":
        return int(args.handler(args))
    from explainer.kb.interface import using

    with using(knowledge_for(args).interface):
        return int(args.handler(args))


_PLUGIN_LOADER = "pydantic.plugin._loader"


def _no_plugins() -> tuple[()]:
    return ()


def _load_no_pydantic_plugin() -> None:
    """Keep every pydantic plugin out of this process.

    A pydantic plugin installed beside the explainer (an observability tool, say) is handed
    every value pydantic validates, what a person entered included: the command line and the
    web server it starts load none (a program using the explainer as a library keeps its own
    choice). The variable is set before anything builds a pydantic schema, the only time
    plugins are looked up. pydantic looks them up in ``pydantic.plugin._loader``, whose import
    alone reads the metadata of every installed package (importlib.metadata, about 10 ms of
    every start) only to be told by the variable to load none; a stand-in that finds none is
    put in its place. If a pydantic release looks plugins up elsewhere, the variable still
    keeps them out (tests/test_cli.py checks both).
    """
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    if _PLUGIN_LOADER not in sys.modules:
        stand_in = type(sys)(_PLUGIN_LOADER, "Finds no pydantic plugin (explainer.cli.main).")
        stand_in.__dict__["get_plugins"] = _no_plugins
        sys.modules[_PLUGIN_LOADER] = stand_in


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: sys.argv[1:]) and return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _load_no_pydantic_plugin()
    if sys.stdout is None:  # started with standard output closed (`explainer ... >&-`)
        sys.stdout = _ClosedOutput()
    try:
        named = _command_of(argv)
        kb, kb_error = (_load_kb_quietly(argv) if _needs_kb_to_parse(argv, named)
                        else (None, None))
        parser = build_parser(kb, "" if named is None else named)
        args, extras = parser.parse_known_args(argv)
        if extras:
            subparsers = next(action for action in parser._actions
                              if isinstance(action, argparse._SubParsersAction))
            command = subparsers.choices.get(args.command, parser) if args.command else parser
            raise _unrecognized(extras, command, kb)
        if args.command is None:
            parser.print_help(sys.stderr)
            print(f"\n{FIRST_TIME}", file=sys.stderr)
            return ExitCode.BAD_INPUT
        # A command that reports on a broken knowledge base itself (lint) sets
        # reports_broken_knowledge, so that it can list every problem with its checks.
        if (kb_error is not None and getattr(args, "knowledge", None) is None
                and not getattr(args, "reports_broken_knowledge", False)):
            raise kb_error
        args.kb = kb  # reused by the command (see options.knowledge_for)
        code = _run_in_language(args)
        sys.stdout.flush()  # a write error shows here, as one line, not at exit
        return code
    except SystemExit as done:  # --help and --version exit through argparse
        return int(done.code or 0) if isinstance(done.code, int) else ExitCode.OK
    except KnowledgeBaseError as error:
        lines = error.lines()
        print(f"{PROG}: error: the knowledge base has {len(lines)} "
              f"problem{'s' if len(lines) != 1 else ''}:", file=sys.stderr)
        for line in lines[:50]:
            print(f"  {line}", file=sys.stderr)
        if len(lines) > 50:
            print(f"  ... and {len(lines) - 50} more", file=sys.stderr)
        return ExitCode.INVALID_KNOWLEDGE
    except ExplainerError as error:
        return _fail(str(error), error.exit_code)
    except KeyboardInterrupt:
        return _fail("stopped", ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader (for example `head`) went away; nothing more to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    except OSError as error:
        # Reading errors become InputError or KnowledgeBaseError where they happen; what is
        # left is a failed write to the screen (a full disk, a closed output).
        from explainer.cli.output import stdout_failure

        return _fail(str(stdout_failure(error)), ExitCode.BAD_INPUT)
    except Exception as error:  # the last line of defence: never a traceback
        return _fail(f"internal error ({type(error).__name__}: {error}). This is a bug; please "
                     "report it with the command you ran.", ExitCode.INTERNAL_ERROR)


def main() -> NoReturn:
    """Console-script entry point."""
    sys.exit(run())
