"""The review packet's section on reading a pathology report (``explainer report``): its
thresholds, the spellings it recognises, every result with its plain meaning and source, and
the anatomic stage table. Drawn with the rest of the packet by :mod:`explainer.lint.packet`."""

from __future__ import annotations

from explainer.kb.knowledge import KnowledgeBase
from explainer.render.packet import Block, Bullets, Fields, Grid, Heading, Paragraph

_NOTATION_NAMES = {
    "er": "Estrogen receptor (ER)", "pr": "Progesterone receptor (PR)",
    "hr": "Hormone receptors together", "her2": "HER2", "her2_ihc": "HER2 stain (IHC)",
    "ish": "HER2 gene test (ISH)", "ki67": "Ki-67", "grade": "Grade", "margins": "Margins",
    "lvi": "Lymphovascular invasion", "brca": "BRCA genes", "other_genes": "Other genes",
    "ignorable": "Words skipped (headers, not results)"}


# Over 60 lines on purpose: the packet's report section, block by block in the order it is
# printed; its helpers are closures over the blocks being built.
def report_blocks(kb: KnowledgeBase) -> list[Block]:
    """What ``explainer report`` knows: its thresholds, the spellings it recognises, every
    result it can show with its plain meaning and source, and the anatomic stage table."""
    report = kb.report
    sources = report.sources
    blocks: list[Block] = []

    def add(*items: Block) -> None:
        blocks.extend(items)

    def status(value: str) -> str:
        # Not the entries' "DRAFT, awaiting ..." wording: these are whole files, not entries.
        return "draft: the whole file awaits clinician review" if value == "draft" else "reviewed"

    def cite(source_id: str) -> str:
        source = sources[source_id]
        return f"{source.short}: {source.title} ({source.publisher}, {source.year})"

    thresholds = report.thresholds
    add(
        Heading(2, "Reading a pathology report (explainer report)"),
        Paragraph("These turn the words of a pathology report into the factors above. They live "
                  "in knowledge/report.yaml and knowledge/report_stage.yaml."),
        Fields((
            ("Review", f"report.yaml: {status(report.report.status)}; report_stage.yaml: "
                       f"{status(report.stage.status)}"),
            ("Disclaimer (first and last in every output)", report.report.disclaimer),
            ("ER and PR positive from", f"{thresholds.receptor_positive_min_percent:g}% of "
                                        "cells"),
            ("ER-low positive up to", f"{thresholds.er_low_max_percent:g}% of cells"),
            ("Allred score", f"negative up to {thresholds.allred_negative_max}, positive from "
                             f"{thresholds.allred_positive_min}; in between needs the percent"),
            ("HER2 ISH", f"ratio {thresholds.ish_ratio_min:g} or more; copies per cell "
                         f"{thresholds.ish_copies_low:g} and {thresholds.ish_copies_high:g} "
                         "draw the ASCO/CAP groups"),
        )))
    notations = report.notations
    rows = [(_NOTATION_NAMES.get(kind, kind), ", ".join(getattr(notations, kind)))
            for kind in type(notations).model_fields if kind != "histology"]
    rows += [(f"Type: {kind}", ", ".join(spellings))
             for kind, spellings in notations.histology.items()]
    add(Heading(3, "Notations recognised"),
        Paragraph("Matched without regard to case, spaces or hyphens (acronyms of four "
                  "letters or fewer in capitals only)."),
        Grid(("Item", "Spellings"), tuple(rows)))
    meaning_rows = tuple(
        (item, value, meaning.label, meaning.means, sources[meaning.source].short)
        for item, values in report.report.meanings.items()
        for value, meaning in values.items())
    add(Heading(3, "What each result means"),
        Grid(("Item", "Value", "Label", "Plain meaning", "Source"), meaning_rows))
    stage = report.stage
    add(Heading(3, "Anatomic stage table"),
        Paragraph(f"Follows {cite(stage.source)}. Each row: T classes x N classes with "
                  "M gives the group; the tool's stage is the last column."),
        Grid(("Group", "T", "N", "M", "Stage in this tool"), tuple(
            (row.group, ", ".join(row.t), ", ".join(row.n), row.m,
             stage.explainer_stage.get(row.group, "")) for row in stage.groups)),
        Grid(("Letter", "Class", "Categories in it"), tuple(
            (letter.upper(), name, ", ".join(members))
            for letter in ("t", "n", "m")
            for name, members in getattr(stage.classes, letter).items())))
    add(Heading(3, "Words explained in report readings"),
        Grid(("Term", "Plain meaning", "Other spellings"), tuple(
            (term.term, term.definition, ", ".join(term.aliases))
            for term in report.report.terms)),
        Heading(3, "Sources of the report readings"),
        Bullets(tuple(f"{cite(source_id)}, {source.url}"
                      for source_id, source in sources.items())))
    return blocks
