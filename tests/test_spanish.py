"""The Spanish layer (issue 15): knowledge/es/*.yaml laid over the English knowledge base.

Spanish goldens are regenerated with ``pytest tests/test_spanish.py --update-goldens``, like the
English ones (review the diff).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CliResult, run_process

from explainer import Explainer, KnowledgeBase, get_explainer
from explainer.kb.files import bundled_root
from explainer.kb.interface import current, using
from explainer.kb.language import choose_language
from explainer.kb.loader import load_knowledge
from explainer.kb.reviews import normalise, text_hash
from explainer.kb.translation import NOTICE_ID, read_layer
from explainer.lint.base import LintOptions
from explainer.lint.reading import REPRESENTATIVE_PROFILES
from explainer.lint.runner import run_lint
from explainer.lint.translation import (
    MIN_PROFILE_EASE,
    fernandez_huerta,
    layer_texts,
    profile_ease,
)
from explainer.render import render

PROFILES: dict[str, dict[str, Any]] = REPRESENTATIVE_PROFILES
SUFFIX = {"text": "txt", "markdown": "md", "rich": "rich.txt", "json": "json", "html": "html"}
ONLY_LINT = ["knowledge-base", "citations", "wording", "terms", "reachability", "cases",
             "reading-level", "unused", "glossary", "review", "companions"]


# Loading the Spanish knowledge base makes its phrases the process's: put the English ones back
# after each test (conftest.english_phrases_after).
pytestmark = pytest.mark.usefixtures("english_phrases_after")


@pytest.fixture(scope="module")
def es_kb() -> KnowledgeBase:
    """The bundled knowledge base in Spanish."""
    return load_knowledge(lang="es")


@pytest.fixture(scope="module")
def es(es_kb: KnowledgeBase) -> Explainer:
    return get_explainer(es_kb)


def _in_spanish(explainer: Explainer, fmt: str, data: dict[str, Any], **options: Any) -> str:
    with using(explainer.kb.interface):
        return render(explainer.explain(data), fmt, **options)


# --- the layer -----------------------------------------------------------------------------------


def test_every_english_string_has_a_current_spanish_one(kb: KnowledgeBase,
                                                         es_kb: KnowledgeBase) -> None:
    layer = read_layer(kb.root, "es")
    english = layer_texts(kb)
    assert not es_kb.untranslated
    assert set(english) <= set(layer.strings)
    stale = [ident for ident, text in english.items()
             if layer.strings[ident].en_hash != text_hash(text)]
    assert stale == []
    assert NOTICE_ID in layer.strings


def test_spanish_never_changes_which_rules_fire(explainer: Explainer, es: Explainer,
                                                kb: KnowledgeBase) -> None:
    """Every combination of the core factors (and a few extras): the same rules fire and every
    category and kind has the same relevance, in English and in Spanish."""
    core = [factor for factor in kb.factors.values()
            if factor.core and factor.kind == "choice"]
    checked = 0
    for values in itertools.product(*[[value.id for value in factor.values] for factor in core]):
        data: dict[str, Any] = dict(zip([factor.id for factor in core], values, strict=True))
        data["side_effect_concerns"] = ["fertility"] if checked % 3 == 0 else []
        english, spanish = explainer.explain(data), es.explain(data)
        assert explainer.fired(explainer.parse(data)) == es.fired(es.parse(data))
        assert [(c.id, c.relevance, [r.rule_id for r in c.reasons],
                 [(s.id, s.relevance) for s in c.subtypes]) for c in english.categories] == [
            (c.id, c.relevance, [r.rule_id for r in c.reasons],
             [(s.id, s.relevance) for s in c.subtypes]) for c in spanish.categories]
        assert english.profile == spanish.profile
        checked += 1
    assert checked > 1000


def test_ids_and_values_stay_english_texts_turn_spanish(explainer: Explainer,
                                                        es: Explainer) -> None:
    data = PROFILES["metastatic-hr-positive"]
    english = json.loads(explainer.explain_json(data))
    spanish = json.loads(es.explain_json(data))
    assert english["language"] == "en" and spanish["language"] == "es"
    assert spanish["profile"] == english["profile"]
    assert [c["id"] for c in spanish["categories"]] == [c["id"] for c in english["categories"]]
    assert [c["kind"] for c in spanish["categories"]] == [c["kind"] for c in english["categories"]]
    names = {c["id"]: c["name"] for c in spanish["categories"]}
    assert names["chemotherapy"] == "Quimioterapia"
    assert names["targeted_therapy"] == "Terapia dirigida"
    assert names["palliative_care"] == "Cuidados paliativos"
    assert names["clinical_trials"] == "Ensayos clínicos"
    # The fast JSON path and the model agree in Spanish too.
    assert es.explain_json(data) == es.explain(data).model_dump_json().encode()


def test_review_states_in_spanish_are_the_translations_own(es: Explainer) -> None:
    """English statements may be source_checked; their Spanish words are drafts until a
    bilingual clinician reviews them."""
    knowledge = es.explain(PROFILES["metastatic-hr-positive"]).knowledge
    assert knowledge.review_states.source_checked == 0
    assert knowledge.review_states.clinician_reviewed == 0
    assert knowledge.review_states.draft == knowledge.statements_shown > 50


# --- no English in a Spanish output ---------------------------------------------------------------


def _pseudo(text: str) -> str:
    # Every word gets a mark, placeholders kept: an English string that reaches the output
    # unchanged, or a word the code adds itself, is then easy to find.
    return re.sub(r"(?<![{\w])([A-Za-z][A-Za-z']*)", r"ñ\1", text)


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory: pytest.TempPathFactory, kb: KnowledgeBase) -> tuple[Path, Explainer]:
    """A copy of the knowledge base whose Spanish layer marks every word of the English."""
    root = tmp_path_factory.mktemp("pseudo")
    shutil.copytree(bundled_root() / "knowledge", root / "knowledge")
    shutil.copytree(bundled_root() / "rules", root / "rules")
    layer = root / "knowledge" / "es"
    shutil.rmtree(layer)
    layer.mkdir()
    strings: dict[str, Any] = {ident: {"es": _pseudo(text), "en_hash": text_hash(text)}
                               for ident, text in layer_texts(kb).items()}
    strings[NOTICE_ID] = {"es": "ñTraducción ñno ñrevisada."}
    (layer / "all.yaml").write_text(yaml.safe_dump({"strings": strings}, allow_unicode=True),
                                    encoding="utf-8")
    return root, get_explainer(load_knowledge(root, lang="es"))


# Citations name published documents (titles, publishers, section titles) and are shown as
# published; the clinician's trace (rule ids, conditions) is for clinicians.
def _citations(kb: KnowledgeBase) -> list[str]:
    found = {normalise(text) for source in kb.source_file.sources
             for text in (source.title, source.publisher or "", source.url or "",
                          *(section.title for section in source.sections)) if text}
    return sorted(found, key=len, reverse=True)


def _citation_words(kb: KnowledgeBase) -> set[str]:
    return {word for text in _citations(kb) for word in re.findall(r"[A-Za-z][A-Za-z']+", text)}


ALLOWED = {"HER2", "BRCA", "PDQ", "ESR1", "PD-L1", "DNA", "CDK4", "PARP", "PI3K", "mTOR",
           "html", "https", "www"}


@pytest.mark.parametrize("fmt", ["text", "markdown", "rich", "html", "json"])
@pytest.mark.parametrize("name", list(PROFILES))
def test_no_english_reaches_a_spanish_output(pseudo: tuple[Path, Explainer], kb: KnowledgeBase,
                                             name: str, fmt: str) -> None:
    """Every word shown comes from the Spanish layer: no English string, and no English word
    added by the code, outside citations."""
    _, explainer = pseudo
    output = _in_spanish(explainer, fmt, PROFILES[name], width=100)
    if fmt == "json":
        data = json.loads(output)
        # A template's {placeholders} (the legend's "depends on {factors}") are not shown words.
        output = re.sub(r"\{[a-z_]+\}", " ", " ".join(_json_texts(data)))
    elif fmt == "html":
        output = re.sub(r"<style>.*?</style>|<[^>]+>|&[a-z]+;|&#\d+;", " ", output, flags=re.S)
    flat = normalise(output)
    for citation in _citations(kb):
        flat = flat.replace(citation, " ")
    for ident, text in layer_texts(kb).items():
        if len(text) >= 12 and not ident.startswith("phrase:api_docs."):
            assert not re.search(r"(?<!\w)" + re.escape(normalise(text)) + r"(?!\w)", flat), ident
    allowed = _citation_words(kb) | ALLOWED
    english_words = {word for word in re.findall(r"(?<![ñÑ\w&#/.-])[A-Za-z][A-Za-z']{2,}", flat)
                     if word not in allowed}
    assert english_words == set()


def _json_texts(data: Any, key: str = "") -> list[str]:
    """The texts of a JSON explanation (not its ids and values)."""
    ids = {"id", "rule_id", "factor", "factors", "relevance", "kind", "source", "section",
           "refs", "value", "profile", "origin", "about", "review_state", "drafts", "language",
           "sources", "version", "last_reviewed", "url", "title", "publisher", "reviewer",
           "stage", "schema_version", "source_title", "source_id", "targets", "affects",
           "status", "topic", "subtype", "section_id", "categories", "rules",
           # The rule's condition is the clinician's trace (factor ids and values), in English.
           "condition"}
    if key in ids:
        return []
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [text for name, value in data.items() for text in _json_texts(value, name)]
    if isinstance(data, list):
        return [text for value in data for text in _json_texts(value, key)]
    return []


def test_status_line_in_every_spanish_output(es: Explainer) -> None:
    notice = read_layer(bundled_root(), "es").text(NOTICE_ID)
    assert notice and "no ha revisado" in notice
    for fmt in ("text", "markdown", "rich", "html", "json"):
        output = normalise(_in_spanish(es, fmt, PROFILES["dcis"], width=200))
        assert output.count(normalise(notice)) >= (1 if fmt == "json" else 2), fmt


def test_phrases_follow_the_language_per_thread(kb: KnowledgeBase, es_kb: KnowledgeBase) -> None:
    """A server answering in both languages: each request reads its own language's phrases."""
    load_knowledge()  # English is the process-wide default
    seen: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def answer(name: str, chosen: KnowledgeBase) -> None:
        with using(chosen.interface):
            barrier.wait()
            found = current()
            assert found is not None
            seen[name] = found.texts("document")["title"]

    threads = [threading.Thread(target=answer, args=("en", kb)),
               threading.Thread(target=answer, args=("es", es_kb))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["en"] == kb.interface.texts("document")["title"]
    assert seen["es"] == es_kb.interface.texts("document")["title"] != seen["en"]
    assert current() is not None and current() is not es_kb.interface


# --- the command line --------------------------------------------------------------------------


def test_spanish_values_on_the_command_line(cli: Callable[..., CliResult]) -> None:
    result = cli("explain", "--lang", "es", "--hr", "positivo", "--her2", "bajo",
                 "--stage", "desconocido", "--health", "buena", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["language"] == "es"
    assert data["profile"]["hr_status"] == "positive"
    assert data["profile"]["her2_status"] == "low"
    assert data["profile"]["stage"] == "unknown"
    assert data["profile"]["general_health"] == "good"
    shown = {item["factor"]: item["value_label"] for item in data["entered"]}
    assert shown["hr_status"] == "Receptor hormonal positivo"
    assert shown["her2_status"].startswith("HER2 bajo")
    assert shown["general_health"] == "Buena"
    text = cli("explain", "--lang", "es", "--hr", "positivo", "--format", "text").out
    assert "LO QUE INGRESÓ" in text.upper() or "INGRES" in text.upper()
    assert "Receptor hormonal positivo" in text


def test_environment_sets_the_language(monkeypatch: pytest.MonkeyPatch,
                                       cli: Callable[..., CliResult]) -> None:
    monkeypatch.setenv("EXPLAINER_LANG", "es")
    assert json.loads(cli("explain", "--stage", "IV", "--format", "json").out)["language"] == "es"
    # --lang wins over the environment.
    assert json.loads(cli("explain", "--stage", "IV", "--format", "json", "--lang", "en"
                          ).out)["language"] == "en"


@pytest.mark.parametrize("args,env", [(["--lang", "fr"], {}), ([], {"EXPLAINER_LANG": "klingon"})])
def test_a_bad_language_is_one_line_exit_2(args: list[str], env: dict[str, str]) -> None:
    result = run_process("explain", "--stage", "IV", *args, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "en, es" in lines[0] and "Traceback" not in result.stderr
    with pytest.raises(ValueError):
        choose_language("de")


@pytest.mark.parametrize("command", [
    ["explain", "--stage", "II"], ["compare", "A", "B"], ["factors"], ["demo", "--list"],
    ["why", "chemotherapy", "--stage", "IV"], ["schema"]])
def test_every_command_takes_lang(cli: Callable[..., CliResult], command: list[str],
                                  tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("stage: II\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("stage: IV\n", encoding="utf-8")
    command = [{"A": str(tmp_path / "a.yaml"), "B": str(tmp_path / "b.yaml")}.get(word, word)
               for word in command]
    result = cli(*command, "--lang", "es")
    assert result.code == 0, result.err


def test_interview_in_spanish_through_a_terminal(tmp_path: Path) -> None:
    import os
    import sys

    import pexpect

    handout = tmp_path / "folleto.html"
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "110", "LINES": "50"}
    child = pexpect.spawn(sys.executable, ["-m", "explainer", "interview", "--lang", "es",
                                           "--format", "text", "--handout", str(handout)],
                          cwd=str(Path(__file__).resolve().parent.parent), env=env,
                          encoding="utf-8", timeout=60, dimensions=(50, 110))
    child.expect_exact("no ha revisado")
    # No pathology-report question: reading a report is in English only for now.
    child.expect_exact("Pregunta 1 de 10")
    for reply in ("e", "c", "?", "positivo", "b"):  # stage IV, ..., HR-positive, HER2-low
        child.expect_exact("Su respuesta")
        child.sendline(reply)
    for _ in range(5):
        child.expect_exact("Su respuesta")
        child.sendline("?")
    child.expect_exact("Su respuesta")  # the summary: Enter shows the short answer
    child.sendline("")
    child.expect_exact("EN RESUMEN")
    child.expect_exact("oprima Enter para seguir: ")  # the full view? Enter: no
    shown = str(child.before)
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    output = str(child.before)
    assert child.exitstatus == 0, output[-500:]
    assert "Terapia hormonal" in shown
    assert "Usually part of the talk" not in shown and "Often discussed" not in shown
    page = handout.read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "Terapia hormonal" in page


# --- staleness and the lint -----------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(bundled_root() / "knowledge", root / "knowledge")
    shutil.copytree(bundled_root() / "rules", root / "rules")
    return root


def _lint_es(root: Path) -> list[str]:
    result = run_lint(root, LintOptions(languages=("es",)), exclude=ONLY_LINT)
    return [f"{issue.severity.label} {issue.message}" for issue in result.issues]


def test_a_stale_translation_is_caught_and_shown_as_not_reviewed(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "rules" / "surgery" / "surgery-before-spread.yaml"
    if not path.exists():
        path = next((root / "rules").rglob("surgery-before-spread.yaml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(reason: *>-?\n +)", r"\1Changed. ", text, count=1),
                    encoding="utf-8")
    spanish = load_knowledge(root, lang="es")
    state = spanish.statement_reviews["rule:surgery-before-spread/reason"]
    assert state.state == "draft"
    # Still the Spanish words (older, but Spanish), never the English.
    reason = spanish.rule("surgery-before-spread").rule.reason
    assert "Changed" not in reason
    assert any("stale translation" in line and "surgery-before-spread/reason" in line
               for line in _lint_es(root))


def test_lint_is_clean_of_errors_on_the_bundled_layer() -> None:
    problems = [line for line in _lint_es(bundled_root()) if line.startswith("error")]
    assert problems == []


def _write_layer(root: Path, strings: dict[str, Any]) -> None:
    (root / "knowledge" / "es" / "zz-test.yaml").write_text(
        yaml.safe_dump({"strings": strings}, allow_unicode=True), encoding="utf-8")


def _replace(root: Path, ident: str, **changes: Any) -> None:
    """Move one id out of its file into a test file, changed."""
    layer = read_layer(root, "es")
    path = layer.files[ident]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = data["strings"].pop(ident)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _write_layer(root, {ident: {**item, **changes}})


@pytest.mark.parametrize("ident,change,expected", [
    ("phrase:document.you_could_ask/text", {"es": "Puede preguntar: \"{pregunta}\""},
     "placeholders differ"),
    ("rule:surgery-before-spread/reason", {"es": "Usted debe operarse primero."},
     "directive wording"),
    ("rule:surgery-before-spread/reason", {"es": "Este es el mejor tratamiento para usted."},
     "directive wording"),
    ("rule:surgery-before-spread/reason", {"es": "Le recomendamos la cirugía."},
     "directive wording"),
    ("rule:surgery-before-spread/reason", {"es": "Tiene que decidir pronto."},
     "directive wording"),
    ("rule:surgery-before-spread/reason", {"es": "Es una cura garantizada."},
     "directive wording"),
    ("rule:surgery-before-spread/reason", {"es": "Debería elegir la cirugía."},
     "directive wording"),
    ("rule:surgery-before-spread/reason", {"en_hash": "000000000000"}, "stale translation"),
    ("factor:hr_status/value.positive/aliases", {"es": ["negativo"]}, "names both"),
    ("factor:hr_status/value.positive/aliases", {"es": "positivo"}, "should be a list"),
])
def test_lint_catches_a_broken_translation(tmp_path: Path, ident: str, change: dict[str, Any],
                                           expected: str) -> None:
    root = _copy(tmp_path)
    _replace(root, ident, **change)
    key = ident.split(":")[1].split("/", maxsplit=1)[0]
    assert any(expected in line and key in line for line in _lint_es(root)), expected


def test_lint_reports_missing_and_orphan_strings(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    layer = read_layer(root, "es")
    path = layer.files["rule:surgery-before-spread/reason"]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["strings"]["rule:surgery-before-spread/reason"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _write_layer(root, {"rule:no-such-rule/reason": {"es": "Texto.", "en_hash": "0" * 12}})
    found = _lint_es(root)
    assert any("missing translation (es): rule:surgery-before-spread/reason" in line
               for line in found)
    assert any("orphan translation" in line and "no-such-rule" in line for line in found)
    # The string is shown in English, and the status line says so.
    spanish = load_knowledge(root, lang="es")
    assert spanish.untranslated == ("rule:surgery-before-spread/reason",)
    assert "se muestra en inglés" in spanish.disclaimer.disclaimer


@pytest.mark.parametrize("content,expected", [
    ("strings: [1, 2]\n", "strings"),
    ("strings:\n  rule:x/reason:\n    es: Hola\n    en_hash: nothex\n", "en_hash"),
    ("strings: {\n", ""),
])
def test_a_broken_layer_file_is_a_clear_load_error(tmp_path: Path, content: str,
                                                   expected: str) -> None:
    root = _copy(tmp_path)
    (root / "knowledge" / "es" / "zz-broken.yaml").write_text(content, encoding="utf-8")
    result = run_process("explain", "--knowledge", str(root), "--lang", "es")
    assert result.returncode == 3
    assert "zz-broken.yaml" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
    # English does not read the layer at all.
    assert run_process("explain", "--knowledge", str(root)).returncode == 0


def test_a_string_translated_twice_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _write_layer(root, {"rule:surgery-before-spread/reason": {"es": "Otra vez.",
                                                              "en_hash": "0" * 12}})
    result = run_process("explain", "--knowledge", str(root), "--lang", "es")
    assert result.returncode == 3 and "translated twice" in result.stderr


# --- reading ease --------------------------------------------------------------------------------


def test_reading_ease_of_the_five_profiles_in_spanish(kb: KnowledgeBase) -> None:
    ease = profile_ease(kb, read_layer(kb.root, "es"))
    assert set(ease) == set(PROFILES)
    assert all(score >= MIN_PROFILE_EASE for score in ease.values()), ease


def test_fernandez_huerta_scores_spanish_offline() -> None:
    easy = fernandez_huerta("Esto es fácil de leer. Las frases son cortas. Las palabras también.")
    hard = fernandez_huerta("La administración concomitante de inmunoterapia y quimioterapia "
                            "neoadyuvante incrementa significativamente la respuesta patológica "
                            "completa en determinadas circunstancias clínicas.")
    assert easy > 80
    assert hard < 40


# --- goldens -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "rich"])
@pytest.mark.parametrize("name", list(PROFILES))
def test_spanish_goldens(es: Explainer, golden: Callable[[str, str], None], name: str,
                         fmt: str) -> None:
    golden(f"es-{name}.{SUFFIX[fmt]}", _in_spanish(es, fmt, PROFILES[name], width=100))


@pytest.mark.parametrize("name", list(PROFILES))
def test_spanish_json_and_handout_goldens(es: Explainer, golden: Callable[[str, str], None],
                                          name: str) -> None:
    golden(f"es-{name}.json", _in_spanish(es, "json", PROFILES[name]))
    page = _in_spanish(es, "html", PROFILES[name])
    assert '<html lang="es">' in page
    golden(f"es-{name}.html", page)


def test_translation_review_packet(cli: Callable[..., CliResult], kb: KnowledgeBase) -> None:
    """explainer review --lang es: every string beside its English, for a bilingual
    clinician; CSV with empty verdict and comment columns."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(
        cli("review", "--lang", "es", "--format", "csv").out.lstrip("\ufeff"))))
    by_id = {row["id"]: row for row in rows}
    assert set(layer_texts(kb)) <= set(by_id)
    reason = by_id["rule:surgery-before-spread/reason"]
    assert reason["english"] == normalise(kb.rule("surgery-before-spread").rule.reason)
    assert reason["translation"] and reason["translation"] != reason["english"]
    assert reason["state"] == "draft" and reason["stale"] == ""
    assert reason["en_hash"] == reason["current_en_hash"]
    assert reason["verdict"] == reason["comment"] == ""
    markdown = cli("review", "--lang", "es", "--format", "markdown").out
    assert "Review first: what the five reference profiles show" in markdown
    assert "| 5 of 5 | disclaimer:disclaimer/text |" in markdown
    assert "<html" in cli("review", "--lang", "es", "--format", "html").out


def test_reading_a_report_in_spanish_says_it_is_english_only(cli: Any) -> None:
    # Its meanings (knowledge/report.yaml) are not translated: one line and exit 2, never a
    # Spanish page that reads in English. The explanation from a report is in Spanish.
    result = cli("report", "ER 95%, HER2 IHC 3+", "--lang", "es")
    assert result.code == 2 and result.out == ""
    assert "English only" in result.err and len(result.err.strip().splitlines()) == 1
    explained = cli("explain", "--report", "ER 95%, HER2 IHC 3+", "--lang", "es",
                    "--format", "text")
    assert explained.code == 0 and "De su informe:" in explained.out
