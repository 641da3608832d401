"""What the commands share: the output, factor and knowledge options, and reading a profile
file or a report. Writing the result (to the screen, a pager or a file) is in
:mod:`explainer.cli.output`. Commands import these, never the entry point.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence

from explainer.errors import InputError
from explainer.render.formats import AUDIENCES, DETAILS, FORMATS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a fast --help)
if TYPE_CHECKING:
    from typing import Any

    from explainer.explanation.api import Explainer
    from explainer.explanation.models import Explanation
    from explainer.explanation.report.model import ReportReading
    from explainer.kb.knowledge import KnowledgeBase
    from explainer.kb.models import Factor

MAX_PROFILE_BYTES = 64 * 1024
MAX_REPORT_BYTES = 200 * 1024
"""A pathology report is a few pages; anything larger is not one."""

# The contract's core factors and values, used for --help when the knowledge base itself
# cannot be loaded (the error is then reported when a command needs it).
_FALLBACK_FLAGS = {
    "stage": ("stage", "0, I, II, III, IV, unknown"),
    "menopausal_status": ("menopause",
                          "premenopausal, perimenopausal, postmenopausal, not_applicable, unknown"),
    "hr_status": ("hr", "positive, low, negative, unknown"),
    "her2_status": ("her2", "positive, low, ultralow, negative, unknown"),
    "general_health": ("health", "good, fair, poor, unknown"),
    "age": ("age", "a whole number, or unknown"),
}


def _read_profile_file(path_text: str) -> Any:
    from explainer.kb.files import UnreadableFile, read_bounded
    from explainer.kb.jsonio import JsonReadError, parse_json

    if not path_text:
        raise InputError("--profile needs a file name (an empty one was given); leave it out "
                         "to give the factors as flags")
    from pathlib import Path  # here, not at the top: --help does not read files

    path = Path(path_text)
    try:
        data = read_bounded(path, MAX_PROFILE_BYTES)
    except UnreadableFile as error:
        if error.strerror is not None:
            raise InputError(f"cannot read profile file '{path}': {error.strerror}; check the "
                             "path") from None
        raise InputError(f"cannot read profile file '{path}': {error.reason}; "
                         f"{error.hint}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"profile file '{path}' is not UTF-8 text; save it as UTF-8") from None
    if path.suffix.lower() == ".json":
        try:
            return parse_json(text)
        except JsonReadError as error:
            where = f" line {error.line}" if error.line else ""
            raise InputError(f"profile file '{path}'{where}: {error.message}; fix the "
                             "JSON") from None
    from explainer.kb.yamlio import YamlReadError, parse_yaml

    try:
        return parse_yaml(text, path, untrusted=True)
    except YamlReadError as error:
        where = f" line {error.line}" if error.line else ""
        raise InputError(f"profile file '{path}'{where}: {error.message}; fix the YAML "
                         "(factor: value, one per line)") from None


def _factor_help(factor: Factor) -> tuple[str, str]:
    from explainer.kb.profiles import allowed_values

    allowed = allowed_values(factor)
    if factor.kind == "number":
        return "N", f"{factor.question} ({allowed[0]})"
    metavar = "{" + ",".join(allowed) + "}"
    if factor.kind == "multi":
        return metavar, f"{factor.question} Repeat the flag or separate values with commas."
    return metavar, factor.question


def read_report_input(text: str | None, file: str | None) -> str:
    """Pathology-report wording from TEXT, a file, or standard input (InputError, one line,
    when there is none or it is not plain text of at most MAX_REPORT_BYTES)."""
    if text is not None and file is not None:
        raise InputError("give the report either as TEXT or with --file, not both")
    if file is not None:
        from pathlib import Path

        path = Path(file)
        try:
            if path.is_dir():
                raise InputError(f"'{path}' is a folder; give a text file with the report")
            with path.open("rb") as handle:
                data = handle.read(MAX_REPORT_BYTES + 1)
        except OSError as error:
            raise InputError(f"cannot read '{path}': {error.strerror}; check the path") \
                from None
        if len(data) > MAX_REPORT_BYTES:
            raise InputError(f"'{path}' is larger than {MAX_REPORT_BYTES // 1024} KB; copy just "
                             "the report's results into a file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"'{path}' is not UTF-8 text; save the report as plain text "
                             "(UTF-8)") from None
    elif text is None:
        if sys.stdin is None:
            raise InputError("no report text: give it as TEXT, with --file FILE, or on "
                             "standard input")
        if sys.stdin.isatty():
            print("Paste the report text, then press Ctrl-D (Ctrl-Z then Enter on Windows).",
                  file=sys.stderr)
        text = sys.stdin.read(MAX_REPORT_BYTES + 1)
        if len(text) > MAX_REPORT_BYTES:
            raise InputError(f"the report text is larger than {MAX_REPORT_BYTES // 1024} KB; "
                             "give just the report's results")
    elif len(text.encode("utf-8", "surrogatepass")) > MAX_REPORT_BYTES:
        raise InputError(f"the report text is larger than {MAX_REPORT_BYTES // 1024} KB; give "
                         "just the report's results")
    if "\x00" in text:
        raise InputError("the report text holds a NUL character; give plain text")
    if not text.strip():
        raise InputError("the report text is empty; paste the report's words as TEXT, or use "
                         "--file FILE")
    return text


_FILE_SUFFIXES = {".txt", ".text", ".md", ".rtf", ".doc", ".docx", ".pdf", ".html", ".htm"}


def report_text_or_file(value: str) -> str:
    """The wording given to ``--report TEXT_OR_FILE``: the file's text when ``value`` names an
    existing file, else ``value`` itself (``-`` reads standard input)."""
    if value == "-":
        return read_report_input(None, None)
    if "\n" not in value and len(value) < 4096:
        from pathlib import Path

        path = Path(value).expanduser()
        try:
            if path.is_file():
                return read_report_input(None, str(path))
        except OSError:
            pass  # a name the system cannot even look up is report wording
        if " " not in value and path.suffix.lower() in _FILE_SUFFIXES:
            raise InputError(f"--report: there is no file '{value}'; check the path, or give "
                             "the report's words in quotes")
    return read_report_input(value, None)


EDUCATION_NOTE = ("This is education, not medical advice: please discuss your situation with "
                  "your doctor.\n")
"""The last line of the examples of every command that explains something."""


def knowledge_for(args: argparse.Namespace) -> KnowledgeBase:
    """The knowledge base ``--knowledge`` names (the bundled one without it): the one the entry
    point already loaded to build the factor flags, else loaded now."""
    kb: KnowledgeBase | None = getattr(args, "kb", None)
    lang = language_for(args)
    if kb is None or kb.language != lang:
        from explainer.kb.loader import load_knowledge

        kb = load_knowledge(args.knowledge, lang=lang)
        args.kb = kb
    return kb


def language_for(args: argparse.Namespace) -> str:
    """The language asked for: ``--lang``, else ``$EXPLAINER_LANG``, else English (see
    :func:`explainer.kb.translation.choose_language`; a bad value is one line, exit 2)."""
    from explainer.kb.language import choose_language

    return choose_language(getattr(args, "lang", None))


def explainer_for(args: argparse.Namespace) -> Explainer:
    """The :class:`~explainer.explanation.api.Explainer` of :func:`knowledge_for` (its rules
    engine is built on first use, so commands that only read the knowledge base skip it)."""
    from explainer.explanation.api import get_explainer

    return get_explainer(knowledge_for(args))


def add_command(commands: Any, name: str, *, description: str,
                handler: Callable[[argparse.Namespace], int],
                epilog: str | None = None) -> argparse.ArgumentParser:
    """Add a command's parser: its one-line help (from :data:`explainer.cli.commands.COMMANDS`),
    its description, the function that runs it, and (laid out as written) its examples.
    Abbreviated options are refused, so that a typo is not taken for a flag."""
    from explainer.cli.commands import COMMANDS

    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=COMMANDS[name][1], description=description, epilog=epilog,
        allow_abbrev=False,
        formatter_class=(argparse.RawDescriptionHelpFormatter if epilog
                         else argparse.HelpFormatter))
    parser.set_defaults(handler=handler)
    return parser


def add_knowledge_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--knowledge DIR`` (an edited copy of the knowledge base)."""
    parser.add_argument(
        "--knowledge", metavar="DIR",
        help="use the knowledge base in DIR (a folder holding knowledge/ and rules/) instead "
             "of the bundled one")
    parser.add_argument(
        "--lang", metavar="LANG", default=None,
        help="the language of every text: en (English, the default) or es (español); "
             "$EXPLAINER_LANG sets the default. Ids and JSON values never change with it")


MIN_WIDTH, MAX_WIDTH = 40, 400


def _width(text: str) -> int:
    """--width's value, checked when the command line is read (so every command refuses 0)."""
    if not re.fullmatch(r"\s*\d{1,6}\s*", text) or not MIN_WIDTH <= int(text) <= MAX_WIDTH:
        raise argparse.ArgumentTypeError(f"must be a whole number from {MIN_WIDTH} to "
                                         f"{MAX_WIDTH}, got '{text[:20]}'")
    return int(text)


def add_output_options(parser: argparse.ArgumentParser, formats: Sequence[str] = FORMATS,
                       default: str = "rich", *, detail: bool = False) -> None:
    """Add the options every command that prints an explanation shares: the output options
    (format, audience, file, width, paging; ``--detail`` when ``detail``), then
    ``--knowledge DIR``."""
    group = parser.add_argument_group("output")
    group.add_argument("--format", choices=list(formats), default=default,
                       help=f"output format (default: {default}; rich is plain text when "
                            "piped)")
    group.add_argument("--audience", choices=list(AUDIENCES), default="patient",
                       help="clinician adds rule ids and the exact conditions behind each line")
    group.add_argument("--output", metavar="FILE",
                       help="write to FILE instead of the screen")
    group.add_argument("--width", type=_width, default=None, metavar="N",
                       help="line width for text and rich output (default: terminal width)")
    if detail:
        group.add_argument("--detail", choices=list(DETAILS), default=None,
                           help="brief: the short answer on one screen; full: every reason, "
                                "source and word explained (default: brief for a patient in "
                                "rich, text or markdown; full for clinicians, json and html)")
    group.add_argument("--no-pager", action="store_true", dest="no_pager",
                       help="print straight to the terminal, never through a pager ($PAGER "
                            "or less) when the output is taller than the screen")
    add_knowledge_option(parser)


def add_report_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--report TEXT_OR_FILE``: factors read from pathology-report wording."""
    parser.add_argument(
        "--report", metavar="TEXT_OR_FILE",
        help="take factors from pathology-report wording (the words, a text file, or - for "
             "standard input); flags and --profile override them, and the output marks which "
             "came from the report (see 'explainer report')")


def report_reading(args: argparse.Namespace, explainer: Explainer) -> ReportReading | None:
    """The reading of ``--report`` (None without it)."""
    value = getattr(args, "report", None)
    if value is None:
        return None
    reading = explainer.read_report(report_text_or_file(value))
    if not explainer.report_factors(reading):
        print("Note: the report's words settled none of the factors, so nothing was taken from "
              "them. 'explainer report' shows what was read.", file=sys.stderr)
    return reading


def explain_with_report(explainer: Explainer, reading: ReportReading | None,
                        data: dict[str, Any]) -> Explanation:
    """``data`` explained; with a report's ``reading`` (``--report``), over the factors the
    report settles (each value entered wins)."""
    return (explainer.explain(data) if reading is None
            else explainer.explain_report(reading, data))


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
    if getattr(args, "profile", None) is not None:
        loaded = _read_profile_file(args.profile)
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            from explainer.errors import FieldProblem, ProfileError
            from explainer.kb.profiles import kind_of

            raise ProfileError([FieldProblem(
                "profile", f"the file '{args.profile}' must hold factor: value pairs, not "
                           f"{kind_of(loaded)}")])
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


def input_files(args: argparse.Namespace) -> list[str]:
    """The files a command reads (its profiles, a report): --output may not overwrite them."""
    return [value for name in ("profile", "profile_a", "profile_b", "report")
            if isinstance(value := getattr(args, name, None), str) and value]


def use_pager(args: argparse.Namespace) -> bool:
    """Page unless ``--no-pager`` or ``--output`` was given."""
    return not getattr(args, "no_pager", False) and not getattr(args, "output", None)

def use_color(args: argparse.Namespace) -> bool:
    """Colour only for the rich format, on a terminal, unless NO_COLOR is set."""
    return (args.format == "rich" and args.output is None and sys.stdout is not None
            and sys.stdout.isatty()
            and "NO_COLOR" not in os.environ)


def output_width(args: argparse.Namespace) -> int:
    """The line width from --width, or the terminal's (88 when not a terminal)."""
    width: int = args.width if args.width is not None else (
        _terminal_width() if args.output is None and sys.stdout is not None
        and sys.stdout.isatty() else 88)
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise InputError(f"--width must be from {MIN_WIDTH} to {MAX_WIDTH}, got {width}")
    return width


def render_for(args: argparse.Namespace, explanation: Any) -> str:
    """Render an explanation with the shared output options."""
    from explainer.render import render

    return render(explanation, plain_format(args), args.audience, width=output_width(args),
                  color=use_color(args), detail=getattr(args, "detail", None))


def emit_comparison(args: argparse.Namespace, comparison: Any) -> None:
    """Render a comparison (``--what-if``, ``explainer compare``) with the shared output
    options and print it, paged in a terminal like any long output."""
    from explainer.cli.output import emit
    from explainer.render.compare import render_comparison

    emit(render_comparison(comparison, args.format, args.audience, width=output_width(args),
                           color=use_color(args)),
         args.output, input_files(args), pager=use_pager(args))


def render_detail(args: argparse.Namespace) -> str:
    """The detail :func:`render_for` draws: ``--detail``, else the format's default."""
    from explainer.render.formats import default_detail

    return str(getattr(args, "detail", None) or default_detail(plain_format(args),
                                                               args.audience))


def plain_format(args: argparse.Namespace) -> str:
    """The format to draw: ``rich`` is plain text when stdout is not a terminal (piped, or
    written to a file), as its help says; the others as asked."""
    if args.format == "rich" and (args.output or not sys.stdout.isatty()):
        return "text"
    return str(args.format)
