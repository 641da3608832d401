"""``explainer review``: write the clinician review packet (see :mod:`explainer.lint.packet`);
``explainer review apply`` records a clinician's verdicts from the packet's CSV (see
:mod:`explainer.lint.signoff`); ``explainer review migrate`` rewrites the old review fields
as review states (see :mod:`explainer.kb.migrate`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from explainer.cli.options import add_knowledge_option, language_for
from explainer.cli.output import emit
from explainer.errors import ExitCode, InputError
from explainer.render.formats import PACKET_FORMATS

DESCRIPTION = ("Write the review packet a clinician reads and signs: every category and "
               "kind, every rule as 'When ... then ...' with its reason, sources, review "
               "state and cases, the factors, care team, glossary, fixed phrases, the "
               "disclaimer, and a coverage table. CSV gives one row per statement, with "
               "its id, the hash of its words, and empty verdict and comment columns for "
               "the clinician; 'explainer review apply' records them.")
EPILOG = ("examples:\n  explainer review --output packet.md\n"
          "  explainer review --format html --output packet.html\n"
          "  explainer review --format csv --output statements.csv\n"
          "  explainer review apply statements.csv --reviewer 'Dr A. Jones' "
          "--role 'breast oncologist'\n"
          "  explainer review migrate --baseline checked-copy/\n"
          "  explainer review --knowledge my-kb --format html --output my-packet.html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``review``, and its ``apply`` and ``migrate`` actions."""
    parser.add_argument("--format", choices=list(PACKET_FORMATS), default="markdown",
                        help="markdown (default), html, or csv (one row per statement)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    add_knowledge_option(parser)
    actions = parser.add_subparsers(dest="review_action", metavar="ACTION",
                                    parser_class=type(parser))
    apply = _action(
        actions, "apply", _run_apply, help="record a clinician's verdicts from the packet's CSV",
        description="Read the packet's CSV with the clinician's verdict (approve, change or "
                    "reject) and comment filled in. Approvals are recorded in "
                    "knowledge/reviews/clinician.yaml, change and reject comments in "
                    "knowledge/reviews/comments.yaml; no content file is changed. All or "
                    "nothing: any bad row, or a row whose statement changed since the packet "
                    "was exported, writes nothing and is named.",
        epilog="example:\n  explainer review apply statements.csv --reviewer 'Dr A. Jones' "
               "--role 'breast oncologist' --date 2026-12-01 --dry-run")
    apply.add_argument("file", metavar="FILE.csv", help="the filled-in CSV")
    apply.add_argument("--reviewer", required=True, metavar="NAME",
                       help="the clinician's name, as it should appear in the record")
    apply.add_argument("--role", required=True, metavar="ROLE",
                       help="the clinician's role (e.g. 'breast oncologist')")
    apply.add_argument("--date", metavar="YYYY-MM-DD",
                       help="the date of the review (default: today)")
    apply.add_argument("--dry-run", action="store_true",
                       help="show what would be recorded, and write nothing")
    add_knowledge_option(apply)
    migrate = _action(
        actions, "migrate", _run_migrate,
        help="rewrite 'status: reviewed' as source_checked (or draft)",
        description="Rewrite the old review fields (status: reviewed, reviewed_by, "
                    "last_reviewed) as status: source_checked with checked_by, checked_on and "
                    "text_hash. With --baseline, entries whose words differ from the copy "
                    "that was checked become draft. Only review keys change; comments and "
                    "layout stay. Running it again changes nothing.",
        epilog="example:\n  git archive <checked-commit> knowledge rules | tar -x -C /tmp/base\n"
               "  explainer review migrate --baseline /tmp/base")
    migrate.add_argument("--baseline", metavar="DIR",
                         help="the knowledge base as it was when it was checked (a folder "
                              "holding knowledge/ and rules/)")
    migrate.add_argument("--dry-run", action="store_true",
                         help="show what would change, and write nothing")
    add_knowledge_option(migrate)
    # The knowledge base cannot load before it is migrated.
    migrate.set_defaults(reports_broken_knowledge=True)


def _action(actions: Any, name: str, handler: Callable[[argparse.Namespace], int], *,
            help: str, description: str, epilog: str) -> argparse.ArgumentParser:
    """An action of ``review`` (its examples laid out as written)."""
    parser: argparse.ArgumentParser = actions.add_parser(
        name, help=help, description=description, epilog=epilog, allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(handler=handler)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the review packet (markdown, html or csv) of the knowledge base."""
    from explainer.kb.loader import load_knowledge
    from explainer.lint.packet import review_packet

    lang = language_for(args)
    if lang != "en":
        # A translation's packet: every string beside its English, for a bilingual clinician.
        from explainer.lint.translation_packet import translation_packet

        emit(translation_packet(load_knowledge(args.knowledge), lang, args.format), args.output)
        return ExitCode.OK
    emit(review_packet(load_knowledge(args.knowledge), args.format), args.output)
    return ExitCode.OK


def _text_option(value: str, flag: str) -> str:
    text = " ".join(value.split())
    if not text or len(text) > 200:
        raise InputError(f"{flag} needs a name of 1 to 200 characters, e.g. {flag} "
                         f"'{'Dr A. Jones' if flag == '--reviewer' else 'breast oncologist'}'")
    return text


def _review_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        if len(value) != 10:
            raise ValueError
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--date '{value}' is not a date: write it as YYYY-MM-DD, e.g. "
                         "2026-12-01") from None
    if date > dt.date.today():
        raise InputError(f"--date {value} is in the future: give the date of the review")
    return date


def _run_apply(args: argparse.Namespace) -> int:
    from explainer.kb.ledger import write_ledger
    from explainer.kb.loader import load_knowledge
    from explainer.lint.signoff import SignoffError, plan_signoff

    reviewer = _text_option(args.reviewer, "--reviewer")
    role = _text_option(args.role, "--role")
    date = _review_date(args.date)
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {args.file} ({error.strerror}): check the path") from None
    kb = load_knowledge(args.knowledge)
    try:
        plan = plan_signoff(kb, data, reviewer=reviewer, role=role, date=date,
                            name=args.file)
    except SignoffError as error:
        raise InputError(str(error)) from None
    if not args.dry_run and plan.records:
        write_ledger(kb.root, plan.records)
    print("\n".join(plan.lines(dry_run=args.dry_run)))
    return ExitCode.OK


def _run_migrate(args: argparse.Namespace) -> int:
    from explainer.kb.migrate import migrate
    from explainer.kb.paths import resolve_root

    root = resolve_root(args.knowledge)
    baseline = None
    if args.baseline is not None:
        baseline = Path(args.baseline)
        if not (baseline / "knowledge").is_dir() or not (baseline / "rules").is_dir():
            raise InputError(f"--baseline {args.baseline} does not hold knowledge/ and rules/: "
                             "give a copy of the knowledge base as it was checked")
    result = migrate(root, baseline, dry_run=args.dry_run)
    print("\n".join(result.lines(root)))
    if args.dry_run:
        print("Nothing was written (dry run).", file=sys.stderr)
    return ExitCode.OK
