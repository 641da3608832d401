"""The knowledge-base cache: a hit skips parsing, any edit misses, a bad entry is ignored."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from explainer import load_knowledge
from explainer.errors import KnowledgeBaseError
from explainer.kb import cache, interface, validation


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXPLAINER_CACHE_DIR", str(folder))
    monkeypatch.delenv("EXPLAINER_NO_CACHE", raising=False)
    return folder


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> object:
        raise AssertionError(f"parsed {path} although the cache should have answered")

    monkeypatch.setattr(validation, "read_yaml_file", refuse)


def test_second_load_comes_from_the_cache(kb_copy: Path, cache_folder: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_knowledge(kb_copy)
    assert sorted(path.suffix for path in cache_folder.iterdir()) == [".index", ".pickle"]
    _forbid_parsing(monkeypatch)
    # The files are unchanged: their digest is remembered, so they are not even read.
    monkeypatch.setattr(cache, "digest", lambda root: pytest.fail("read every file again"))
    second = load_knowledge(kb_copy)
    assert second.fingerprint == first.fingerprint
    assert [rule.id for rule in second.rules] == [rule.id for rule in first.rules]
    assert second.categories == first.categories
    # The review states were worked out once, before the knowledge base was cached.
    assert "statement_reviews" in vars(second)
    assert second.statement_reviews == first.statement_reviews


def test_an_edit_that_keeps_size_and_time_misses_the_cache(kb_copy: Path,
                                                           cache_folder: Path) -> None:
    first = load_knowledge(kb_copy)
    disclaimer = kb_copy / "knowledge" / "disclaimer.yaml"
    before = disclaimer.stat()
    text = disclaimer.read_text(encoding="utf-8")
    assert "This is education" in text
    disclaimer.write_text(text.replace("This is education", "This is EDUCATION"),
                          encoding="utf-8")
    os.utime(disclaimer, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` would
    assert disclaimer.stat().st_size == before.st_size
    second = load_knowledge(kb_copy)
    assert second.fingerprint != first.fingerprint
    assert second.disclaimer.disclaimer.startswith("This is EDUCATION")


def test_any_edit_misses_the_cache(kb_copy: Path, cache_folder: Path) -> None:
    first = load_knowledge(kb_copy)
    disclaimer = kb_copy / "knowledge" / "disclaimer.yaml"
    disclaimer.write_text(disclaimer.read_text(encoding="utf-8").replace(
        "This is education", "This is only education"), encoding="utf-8")
    second = load_knowledge(kb_copy)
    assert second.fingerprint != first.fingerprint
    assert second.disclaimer.disclaimer.startswith("This is only education")
    (kb_copy / "rules" / "notes" / "age-older.cases.yaml").unlink()
    assert load_knowledge(kb_copy).rule("age-older").cases is None


def test_a_corrupt_entry_is_ignored(kb_copy: Path, cache_folder: Path) -> None:
    first = load_knowledge(kb_copy)
    entry = cache_folder / f"{first.fingerprint}.pickle"
    entry.write_bytes(b"not a pickle")
    assert load_knowledge(kb_copy).fingerprint == first.fingerprint
    entry.write_bytes(pickle.dumps({"something": "else"}))
    assert load_knowledge(kb_copy).fingerprint == first.fingerprint


def test_broken_knowledge_is_never_cached(kb_copy: Path, cache_folder: Path) -> None:
    (kb_copy / "knowledge" / "glossary.yaml").write_text("terms: [", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError):
        load_knowledge(kb_copy)
    assert not cache_folder.exists() or not list(cache_folder.iterdir())


def test_cache_can_be_turned_off_or_unwritable(kb_copy: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAINER_NO_CACHE", "1")
    assert cache.cache_dir() is None
    assert load_knowledge(kb_copy).version == "1.0.0"
    monkeypatch.delenv("EXPLAINER_NO_CACHE")
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("EXPLAINER_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    assert load_knowledge(kb_copy).version == "1.0.0"


def test_cache_keeps_a_few_entries(kb_copy: Path, cache_folder: Path) -> None:
    disclaimer = kb_copy / "knowledge" / "disclaimer.yaml"
    original = disclaimer.read_text(encoding="utf-8")
    for number in range(cache._KEEP + 3):
        disclaimer.write_text(original.replace("This is education", f"Edit {number}: this is "
                                                                    "education"),
                              encoding="utf-8")
        load_knowledge(kb_copy)
    assert len(list(cache_folder.glob("*.pickle"))) == cache._KEEP
    assert not list(cache_folder.glob("*.partial"))


def test_default_explainer_is_kept_and_follows_file_changes(kb_copy: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from explainer.explanation import api

    monkeypatch.setattr(api, "bundled_root", lambda: kb_copy)
    monkeypatch.setattr(api, "_default", [None, None, 0.0])
    first = api.get_explainer()
    assert first.kb.root == kb_copy
    assert api.get_explainer() is first  # no file read: within the re-check interval
    monkeypatch.setattr(api, "_RECHECK_SECONDS", 0.0)
    assert api.get_explainer() is first  # re-checked, nothing changed
    path = kb_copy / "knowledge" / "source.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    changed = api.get_explainer()
    assert changed is not first and changed.kb.fingerprint != first.kb.fingerprint
    interface.use(load_knowledge().interface)  # the bundled phrases again, for later tests


def _factors(capsys: pytest.CaptureFixture[str], *words: str) -> tuple[int, str, str]:
    from explainer.cli.main import run

    code = run(["factors", *words])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_factor_listing_comes_from_the_cache(kb_copy: Path, cache_folder: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from explainer.kb import files, loader, paths

    monkeypatch.setattr(files, "bundled_root", lambda: kb_copy)
    monkeypatch.setattr(paths, "bundled_root", lambda: kb_copy)
    code, first, _ = _factors(capsys)
    assert code == 0 and "--stage  (stage), always asked" in first
    code, first_json, _ = _factors(capsys, "--format", "json")
    assert code == 0 and first_json.lstrip().startswith("[")
    assert sorted(path.name.split("-", 1)[1] for path in cache_folder.glob("*.txt")) == [
        "factors.en.json.txt", "factors.en.text.txt"]

    # Unchanged: answered from the cache, without loading the knowledge base.
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("loaded the knowledge base although the listing was cached")

    with monkeypatch.context() as patch:
        patch.setattr(loader, "load_knowledge", refuse)
        assert _factors(capsys) == (0, first, "")
        assert _factors(capsys, "--format", "json") == (0, first_json, "")

    # In Spanish too, every phrase in Spanish.
    code, spanish, _ = _factors(capsys, "--lang", "es")
    assert code == 0 and "--stage  (stage), siempre se pregunta" in spanish
    assert "un número entero de 1 a 120, o déjelo sin indicar" in spanish
    assert "always asked" not in spanish and "leave it out" not in spanish
    assert list(cache_folder.glob("*factors.es.text.txt"))
    with monkeypatch.context() as patch:
        patch.setattr(loader, "load_knowledge", refuse)
        assert _factors(capsys, "--lang", "es") == (0, spanish, "")

    # An edit to a factor's question shows at once.
    factors_file = kb_copy / "knowledge" / "factors.yaml"
    text = factors_file.read_text(encoding="utf-8")
    question = load_knowledge(kb_copy).factors["stage"].question
    factors_file.write_text(text.replace(question, "Which stage? (edited)", 1), encoding="utf-8")
    code, edited, _ = _factors(capsys)
    assert code == 0 and "Which stage? (edited)" in edited and edited != first

    # A knowledge base broken after its listing was cached is reported, not listed.
    factors_file.write_text("factors: [", encoding="utf-8")
    code, out, err = _factors(capsys)
    assert code == 3 and out == "" and "factors.yaml" in err
    monkeypatch.undo()
    interface.use(load_knowledge().interface)  # the bundled phrases again, for later tests


def test_a_link_back_up_the_folder_tree_is_not_followed(kb_copy: Path, cache_folder: Path) -> None:
    # As rglob and the loader do, the cache's look at the files does not follow a link to a
    # folder: a link back up would otherwise make it loop for ever.
    (kb_copy / "knowledge" / "loop").symlink_to(kb_copy, target_is_directory=True)
    first = load_knowledge(kb_copy)
    assert load_knowledge(kb_copy).fingerprint == first.fingerprint
    assert not any("loop" in path for path, *_ in cache.stat_signature(kb_copy))


def test_parts_few_commands_read_are_unpickled_when_first_read() -> None:
    from explainer import get_explainer

    kb = get_explainer().kb
    again = pickle.loads(pickle.dumps(kb))
    rule = again.rules[5]
    # Not unpickled yet: the report knowledge, the file paths, each rule's path and cases.
    assert not {"report", "files"} & vars(again).keys()
    assert not {"path", "cases", "cases_path"} & vars(rule).keys()
    # Pickled again before they were read, they stay pickled, and come back whole.
    twice = pickle.loads(pickle.dumps(again))
    for copy in (again, twice):
        assert copy.files == kb.files and copy.report.report == kb.report.report
        assert copy.report.class_of == kb.report.class_of
        for loaded, original in zip(copy.rules, kb.rules, strict=True):
            assert (loaded.path, loaded.cases, loaded.cases_path) == (
                original.path, original.cases, original.cases_path)
    assert "path" in vars(rule)
    assert (copy.categories, copy.statement_reviews) == (kb.categories, kb.statement_reviews)
    with pytest.raises(AttributeError, match="'LoadedRule' object has no attribute 'nope'"):
        rule.nope  # noqa: B018
    with pytest.raises(AttributeError, match="'KnowledgeBase' object has no attribute 'nope'"):
        again.nope  # noqa: B018
