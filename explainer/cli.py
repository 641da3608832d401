"""The ``explainer`` command: a thin layer that parses, calls the library and prints.

Every failure a person can cause ends in one line on stderr that names the problem and the fix,
and an exit status from :class:`explainer.errors.ExitCode`; never a traceback.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import inspect
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from explainer.errors import ExitCode, ExplainerError, InputError, KnowledgeBaseError

if TYPE_CHECKING:
    from explainer.knowledge import KnowledgeBase
    from explainer.models.knowledge import Factor

PROG = "explainer"
MAX_PROFILE_BYTES = 64 * 1024
FORMATS = ("rich", "text", "markdown", "json", "html")
AUDIENCES = ("patient", "clinician")

# Commands that live in their own modules, by name: each module has register(subparsers) -> None
# (or register(subparsers, kb=...) for commands with factor flags), which adds its parser and
# sets ``handler`` (a function of the parsed args returning an exit code). Only the module of
# the command being run is imported, so `explainer explain` does not load the web server or
# the linter; `explainer --help` imports them all to list them.
COMMAND_MODULES: dict[str, str] = {
    "lint": "explainer.lint.command",
    "review": "explainer.review",
    "why": "explainer.why",
    "compare": "explainer.compare_command",
    "demo": "explainer.demo",
    "interview": "explainer.interview",
    "serve": "explainer.web.command",
    "report": "explainer.report.command",
}

# The contract's core factors and values, used for --help when the knowledge base itself
# cannot be loaded (the error is then reported when a command needs it).
_FALLBACK_FLAGS = {
    "stage": ("stage", "0, I, II, III, IV, unknown"),
    "menopausal_status": ("menopause",
                          "premenopausal, perimenopausal, postmenopausal, not_applicable, unknown"),
    "hr_status": ("hr", "positive, negative, unknown"),
    "her2_status": ("her2", "positive, low, negative, unknown"),
    "general_health": ("health", "good, fair, poor, unknown"),
    "age": ("age", "a whole number, or unknown"),
}

EXPLAIN_EXAMPLES = """\
examples:
  explainer explain --stage IV --hr positive --her2 negative --menopause postmenopausal
  explainer explain --stage II --her2 positive --format markdown --output notes.md
  explainer explain --profile my-profile.yaml --audience clinician
  explainer explain --stage 0 --concerns fertility,body_image --format json
  explainer explain --stage II --hr positive --her2 negative --what-if her2=positive
  explainer explain --stage IV --format html --output handout.html

Any factor left out is treated as unknown ("I don't know"). Values are not case-sensitive,
and common spellings work (--stage 4 means IV; --hr + means positive).
This is education, not medical advice: please discuss your situation with your doctor.
"""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one clear line (raised, not printed and exited)."""

    def error(self, message: str) -> NoReturn:
        raise InputError(f"{message} (see '{self.prog} --help')")


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
        near = by_field.get(name) or next(
            iter(difflib.get_close_matches(name, flags, n=1)), None)
        if near:
            hints.append(f"{name}: did you mean {near}?")
    message = f"unrecognized arguments: {' '.join(words)}"
    if hints:
        message += " (" + "; ".join(hints) + ")"
    return InputError(f"{message} (see '{command.prog} --help')")


def _read_profile_file(path_text: str) -> Any:
    from explainer.yamlio import YamlReadError, parse_yaml

    path = Path(path_text)
    try:
        if path.is_dir():
            raise InputError(f"profile file '{path}' is a folder; give a YAML or JSON file")
        with path.open("rb") as handle:
            data = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as error:
        raise InputError(f"cannot read profile file '{path}': {error.strerror}; check the "
                         "path") from None
    if len(data) > MAX_PROFILE_BYTES:
        raise InputError(f"profile file '{path}' is larger than {MAX_PROFILE_BYTES // 1024} KB; "
                         "a profile needs only a few lines")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"profile file '{path}' is not UTF-8 text; save it as UTF-8") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(f"profile file '{path}' line {error.lineno}: {error.msg}; fix the "
                             "JSON") from None
        except RecursionError:
            raise InputError(f"profile file '{path}' is nested too deeply") from None
    try:
        return parse_yaml(text, path, untrusted=True)
    except YamlReadError as error:
        where = f" line {error.line}" if error.line else ""
        raise InputError(f"profile file '{path}'{where}: {error.message}; fix the YAML "
                         "(factor: value, one per line)") from None


def _factor_help(factor: Factor) -> tuple[str, str]:
    from explainer.profiles import allowed_values

    allowed = allowed_values(factor)
    if factor.kind == "number":
        return "N", f"{factor.question} ({allowed[0]})"
    metavar = "{" + ",".join(allowed) + "}"
    if factor.kind == "multi":
        return metavar, f"{factor.question} Repeat the flag or separate values with commas."
    return metavar, factor.question


def add_knowledge_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--knowledge DIR`` (an edited copy of the knowledge base)."""
    parser.add_argument(
        "--knowledge", metavar="DIR",
        help="use the knowledge base in DIR (a folder holding knowledge/ and rules/) instead "
             "of the bundled one")


def add_output_options(parser: argparse.ArgumentParser, formats: Sequence[str] = FORMATS,
                       default: str = "rich") -> None:
    """Add the output options every command that prints an explanation shares."""
    group = parser.add_argument_group("output")
    group.add_argument("--format", choices=list(formats), default=default,
                       help=f"output format (default: {default}; rich is plain text when "
                            "piped)")
    group.add_argument("--audience", choices=list(AUDIENCES), default="patient",
                       help="clinician adds rule ids and the exact conditions behind each line")
    group.add_argument("--output", metavar="FILE",
                       help="write to FILE instead of the screen")
    group.add_argument("--width", type=int, default=None, metavar="N",
                       help="line width for text and rich output (default: terminal width)")


def add_factor_options(parser: argparse.ArgumentParser, kb: KnowledgeBase | None) -> None:
    """Add one flag per factor of ``kb`` (or the core factors if it could not be loaded)."""
    group = parser.add_argument_group(
        "factors (each is optional; anything left out means unknown)")
    if kb is None:
        for factor_id, (flag, allowed) in _FALLBACK_FLAGS.items():
            group.add_argument(f"--{flag}", dest=f"factor__{factor_id}", metavar="VALUE",
                               help=f"one of: {allowed}")
        return
    for factor in kb.factors.values():
        metavar, text = _factor_help(factor)
        group.add_argument(f"--{factor.cli_flag}", dest=f"factor__{factor.id}",
                           metavar=metavar, help=text,
                           action="append" if factor.kind == "multi" else "store")


def profile_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The raw profile: the --profile file's values, overridden by factor flags."""
    data: dict[str, Any] = {}
    if getattr(args, "profile", None):
        loaded = _read_profile_file(args.profile)
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            from explainer.errors import FieldProblem, ProfileError

            raise ProfileError([FieldProblem(
                "profile", f"the file '{args.profile}' must hold factor: value pairs, not a "
                           f"{type(loaded).__name__}")])
        data.update(loaded)
    for key, value in vars(args).items():
        if key.startswith("factor__") and value is not None:
            data[key.removeprefix("factor__")] = (
                [part for item in value for part in item.split(",")]
                if isinstance(value, list) else value)
    return data


def _terminal_width() -> int:
    try:
        return max(40, min(120, os.get_terminal_size().columns))
    except OSError:
        return 88


def emit(text: str, output: str | None) -> None:
    """Print ``text`` whole, or write it to ``output`` (via a temporary file, then rename)."""
    if output:
        target = Path(output)
        temporary = target.with_name(f".{target.name}.partial")
        try:
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(target)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise InputError(f"cannot write '{target}': {error.strerror}; check the folder "
                             "exists and is writable") from None
        print(f"Wrote {target}", file=sys.stderr)
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def use_color(args: argparse.Namespace) -> bool:
    """Colour only for the rich format, on a terminal, unless NO_COLOR is set."""
    return (args.format == "rich" and not args.output and sys.stdout.isatty()
            and "NO_COLOR" not in os.environ)


def _output_width(args: argparse.Namespace) -> int:
    """The line width from --width, or the terminal's (88 when not a terminal)."""
    width: int = args.width or (
        _terminal_width() if sys.stdout.isatty() and not args.output else 88)
    if width < 40 or width > 400:
        raise InputError(f"--width must be from 40 to 400, got {width}")
    return width


def render_for(args: argparse.Namespace, explanation: Any) -> str:
    """Render an explanation with the shared output options."""
    from explainer.render import render

    return render(explanation, args.format, args.audience, width=_output_width(args),
                  color=use_color(args))


def _run_explain(args: argparse.Namespace) -> int:
    from explainer.api import get_explainer

    explainer = get_explainer(args.knowledge)
    data = profile_from_args(args)
    if args.what_if:
        # Not the explanation but what changes from it: both sides are checked first.
        from explainer.compare import apply_what_if, compare_what_if, render_comparison

        before = explainer.explain(data)
        after = explainer.explain(apply_what_if(data, args.what_if, explainer.kb.factors))
        comparison = compare_what_if(before, after)
        width = _output_width(args)
        emit(render_comparison(comparison, args.format, args.audience, width=width,
                               color=use_color(args)), args.output)
        return ExitCode.OK
    explanation = explainer.explain(data)
    emit(render_for(args, explanation), args.output)
    return ExitCode.OK


def _run_schema(args: argparse.Namespace) -> int:
    from explainer.api import get_explainer
    from explainer.models.explanation import Explanation

    kb = get_explainer(args.knowledge).kb
    from explainer.profiles import profile_json_schema

    schemas = {"profile": profile_json_schema(kb.factors),
               "explanation": Explanation.model_json_schema(mode="serialization")}
    chosen = schemas if args.only is None else schemas[args.only]
    emit(json.dumps(chosen, indent=2, ensure_ascii=False) + "\n", args.output)
    return ExitCode.OK


def _run_factors(args: argparse.Namespace) -> int:
    from explainer.api import get_explainer
    from explainer.profiles import allowed_values

    kb = get_explainer(args.knowledge).kb
    if args.format == "json":
        data = [{"id": factor.id, "flag": f"--{factor.cli_flag}", "label": factor.label,
                 "question": factor.question, "help": factor.help, "core": factor.core,
                 "values": allowed_values(factor)} for factor in kb.factors.values()]
        emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", None)
        return ExitCode.OK
    lines = []
    for factor in kb.factors.values():
        lines.append(f"--{factor.cli_flag}  ({factor.id}){'' if factor.core else ', optional'}")
        lines.append(f"    {factor.question}")
        if factor.kind == "number":
            lines.append(f"    {allowed_values(factor)[0]}, or leave it out")
        for value in factor.values:
            lines.append(f"    {value.id:<20} {value.label}")
        lines.append("")
    emit("\n".join(lines), None)
    return ExitCode.OK


def _load_kb_quietly(argv: Sequence[str]) -> tuple[KnowledgeBase | None, KnowledgeBaseError | None]:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--knowledge")
    known, _ = pre.parse_known_args(argv)
    try:
        from explainer.api import get_explainer

        return get_explainer(known.knowledge).kb, None
    except KnowledgeBaseError as error:
        return None, error


def build_parser(kb: KnowledgeBase | None, command: str | None = None
                 ) -> argparse.ArgumentParser:
    """The argument parser (factor flags come from ``kb``).

    With ``command`` (the command about to run), only that command's module is imported; the
    other module commands get bare placeholders. Without it every command is registered fully.
    """
    from explainer import __version__

    parser = _Parser(
        prog=PROG, allow_abbrev=False,
        description="Explain, in plain language, which breast cancer treatment categories are "
                    "often discussed for the factors you enter, and why. Education only, not "
                    "medical advice: please discuss your situation with your doctor.",
        epilog="Run 'explainer COMMAND --help' for each command's options.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    explain = commands.add_parser(
        "explain", help="explain which treatment categories are often discussed, and why",
        description="Explain which treatment categories are often discussed for the factors "
                    "given, why, and where each statement comes from.",
        epilog=EXPLAIN_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False)
    add_factor_options(explain, kb)
    explain.add_argument("--profile", metavar="FILE",
                         help="read factors from a YAML or JSON file (keys as in the JSON "
                              "profile: stage, hr_status, ...); flags override it")
    explain.add_argument("--what-if", metavar="FACTOR=VALUE", action="append", default=[],
                         dest="what_if",
                         help="show what changes if FACTOR had VALUE (e.g. her2=positive); "
                              "repeat it to change several factors at once")
    add_output_options(explain)
    add_knowledge_option(explain)
    explain.set_defaults(handler=_run_explain)

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of the profile and of the explanation",
        description="Print the JSON Schema of the profile (built from the knowledge base) and "
                    "of the explanation (the --format json output).", allow_abbrev=False)
    schema.add_argument("--only", choices=["profile", "explanation"],
                        help="print just one of the two schemas")
    schema.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    add_knowledge_option(schema)
    schema.set_defaults(handler=_run_schema)

    factors = commands.add_parser(
        "factors", help="list the factors you can enter and their allowed values",
        description="List every factor, its question, its flag and its allowed values.",
        allow_abbrev=False)
    factors.add_argument("--format", choices=["text", "json"], default="text",
                         help="output format (default: text)")
    add_knowledge_option(factors)
    factors.set_defaults(handler=_run_factors)

    for name, module_name in COMMAND_MODULES.items():
        if command is not None and name != command:
            commands.add_parser(name, add_help=False)
            continue
        register: Callable[..., None] = importlib.import_module(module_name).register
        # A command with factor flags (why) also takes the knowledge base they come from.
        if "kb" in inspect.signature(register).parameters:
            register(commands, kb=kb)
        else:
            register(commands)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The command named on the command line, if it is a known one (None otherwise)."""
    for word in argv:
        if not word.startswith("-"):
            known = word in COMMAND_MODULES or word in ("explain", "schema", "factors")
            return word if known else None
    return None


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: sys.argv[1:]) and return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        kb, kb_error = _load_kb_quietly(argv)
        parser = build_parser(kb, _command_of(argv))
        args, extras = parser.parse_known_args(argv)
        if extras:
            subparsers = next(action for action in parser._actions
                              if isinstance(action, argparse._SubParsersAction))
            command = subparsers.choices.get(args.command, parser) if args.command else parser
            raise _unrecognized(extras, command, kb)
        if args.command is None:
            parser.print_help(sys.stderr)
            return ExitCode.BAD_INPUT
        # A command that reports on a broken knowledge base itself (lint) sets
        # reports_broken_knowledge, so that it can list every problem with its checks.
        if (kb_error is not None and getattr(args, "knowledge", None) is None
                and not getattr(args, "reports_broken_knowledge", False)):
            raise kb_error
        return int(args.handler(args))
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
    except Exception as error:  # the last line of defence: never a traceback
        return _fail(f"internal error ({type(error).__name__}: {error}). This is a bug; please "
                     "report it with the command you ran.", ExitCode.INTERNAL_ERROR)


def main() -> NoReturn:
    """Console-script entry point."""
    sys.exit(run())
