"""Running the compiled rules on durable-rules, safely.

durable-rules 2.0.28 has traps this module exists to avoid (see the project's design notes):
each evaluation opens a session that must be deleted, or the engine runs out of sessions and
can crash; exceptions inside actions are swallowed into the returned state; every ``Host``
starts background timer threads; and concurrent calls are not safe. So: one quiet Host for the
process, one lock around every evaluation, a fresh session id per evaluation deleted in a
``finally``, facts (not events) so every matching rule fires, and action errors re-raised.

Measured here as well: when no rule matches a fact, durable-rules still opens a session, and
deleting that session crashes the process (a segmentation fault), while keeping it leaks toward
the 1,024-session limit. So every ruleset gets one extra rule that matches any profile fact,
and facts are checked before they reach the engine: the no-match path is never taken.

Speed: durable-rules runs each fired action through a Closure, a Promise, a timer check and a
JSON round trip of the session state (about 18 microseconds an action, about 20 actions a
profile). Our actions only record which rule fired and never touch the state, so a ruleset
subclass runs them directly and moves to the next action: 2.4 times faster, with exactly the
same rules fired (the tests compare every profile with the plain-Python oracle).
"""

from __future__ import annotations

import itertools
import threading
import warnings
from collections.abc import Mapping
from typing import Any

from explainer.engine.compiler import compile_ruleset
from explainer.errors import EngineError
from explainer.kb.conditions import MARKER_FIELD, MARKER_VALUE
from explainer.kb.knowledge import KnowledgeBase

_LOCK = threading.Lock()
_HOST: Any = None
_NAMES = itertools.count(1)
_SESSIONS = itertools.count(1)
_ALWAYS = "__explainer_always_matches__"

PY313_HINT = (
    'durable-rules could not load on this Python ({error}). On Python 3.13 reinstall it with: '
    'CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject" pip install --force-reinstall '
    '--no-binary durable-rules --no-cache-dir durable-rules==2.0.28 (see README, Python versions)'
)


DURABLE_RULES_VERSION = "2.0.28"
# The private parts of durable-rules the host below relies on: (module, attribute path, the
# parameters it must take). Checked when the engine starts, so that another release fails with
# one clear line instead of silently losing the fast path (or crashing later).
REQUIRED_HOOKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("durable.engine", "Ruleset._flush_actions",
     ("self", "state", "result_container", "state_offset", "complete")),
    ("durable.engine", "Ruleset.__init__", ("self", "name", "host", "ruleset_definition")),
    ("durable.engine", "Host._run", ("self",)),
    ("durable.engine", "Host.register_rulesets", ("self", "ruleset_definitions")),
    ("durable_rules_engine", "complete_and_start_action", ()),
)
_STATS = {"direct_flushes": 0}


def missing_hooks(modules: Mapping[str, Any]) -> list[str]:
    """The :data:`REQUIRED_HOOKS` that ``modules`` (name -> imported module) lack or whose
    parameters differ; empty for durable-rules 2.0.28."""
    import inspect

    missing = []
    for module_name, path, parameters in REQUIRED_HOOKS:
        target: Any = modules[module_name]
        for part in path.split("."):
            target = getattr(target, part, None)
        if target is None:
            missing.append(f"{module_name}.{path}")
            continue
        if parameters:
            try:
                found = tuple(inspect.signature(target).parameters)
            except (TypeError, ValueError):
                found = ()
            if found != parameters:
                missing.append(f"{module_name}.{path}{inspect.signature(target)}")
    return missing


def _check_version(durable_engine: Any, native: Any) -> None:
    missing = missing_hooks({"durable.engine": durable_engine, "durable_rules_engine": native})
    if missing:
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("durable-rules")
        except PackageNotFoundError:
            installed = "unknown"
        raise EngineError(
            f"durable-rules {installed} is installed, but this explainer needs durable-rules "
            f"{DURABLE_RULES_VERSION} (it relies on {', '.join(missing)}); reinstall with: pip "
            f"install durable-rules=={DURABLE_RULES_VERSION}")


def direct_flushes() -> int:
    """How many times the fast path (``DirectRuleset._flush_actions``) has run in this process:
    the tests check that it is the path taken."""
    return _STATS["direct_flushes"]


def _host() -> Any:
    """The process-wide Host (created on first use, under the lock)."""
    global _HOST
    if _HOST is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                import durable.engine as durable_engine
                import durable_rules_engine
        except ImportError as error:
            raise EngineError(PY313_HINT.format(error=error)) from None
        _check_version(durable_engine, durable_rules_engine)
        _HOST = _make_host(durable_engine, durable_rules_engine)
    return _HOST


def _make_host(durable_engine: Any, native: Any) -> Any:
    # Both classes override private methods of durable-rules. That is safe only because the
    # dependency is pinned to 2.0.28 in pyproject.toml; a new release must be re-checked.

    class DirectRuleset(durable_engine.Ruleset):  # type: ignore[misc]
        """A ruleset whose actions are plain functions run in place.

        Replaces ``Ruleset._flush_actions``: instead of wrapping each action in a Closure and a
        Promise and writing the (unchanged) session state back as JSON, it calls the action and
        asks the native engine for the next one. An exception propagates to the caller
        (``Ruleset.do_actions`` hands it to ``Host.assert_fact``, which raises it).
        """

        def __init__(self, name: str, host: Any, definition: dict[str, Any]) -> None:
            self._direct = {rule: spec["run"] for rule, spec in definition.items()}
            super().__init__(name, host, definition)

        def _flush_actions(self, state: Any, result_container: dict[str, Any],
                           state_offset: Any, complete: Any) -> None:
            _STATS["direct_flushes"] += 1
            action_name = next(iter(result_container.pop("message")))
            while True:
                self._direct[action_name](None)
                next_result = native.complete_and_start_action(self._handle, state_offset)
                if not next_result:
                    break
                # The next action arrives as '{"<rule id>":{<the fact>}}'. Rule ids never
                # contain a quote (the compiler's ids are [a-z0-9-]), so the name is read
                # directly instead of parsing the whole fact as JSON for every action.
                action_name = next_result[2:next_result.index('"', 2)]
            complete(None, state)

    class QuietHost(durable_engine.Host):  # type: ignore[misc]
        """A Host without background threads, whose rulesets run actions directly.

        ``Host.__init__`` calls ``_run``, which starts two self-rescheduling timer threads that
        are never stopped and that race with callers; this project uses neither timers nor
        async actions, so ``_run`` does nothing. ``register_rulesets`` builds DirectRulesets.
        """

        def _run(self) -> None:
            return None

        def register_rulesets(self, definitions: dict[str, Any]) -> list[str]:
            for name, definition in definitions.items():
                if name in self._ruleset_directory:
                    raise EngineError(f"ruleset {name} is already registered")
                ruleset = DirectRuleset(name, self, definition)
                self._ruleset_directory[name] = ruleset
                self._ruleset_list.append(ruleset)
            return list(definitions)

    return QuietHost()


class RulesEngine:
    """The rules of one knowledge base, registered once on durable-rules.

    :meth:`fired` evaluates one fact and returns the ids of every rule whose condition holds,
    in rule order. Safe to call from many threads.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self._rule_ids = [loaded.id for loaded in kb.rules]
        self._collected: list[int] | None = None
        self.open_sessions = 0
        self.evaluations = 0
        definition = compile_ruleset(kb)
        self._fields = frozenset(_fields_of(definition)) | {MARKER_FIELD}
        for index, rule_id in enumerate(self._rule_ids):
            definition[rule_id]["run"] = self._action(index)
        definition[_ALWAYS] = {"all": [{"m": {MARKER_FIELD: MARKER_VALUE}}], "run": _ignore}
        # Names must be unique per Host: a second registration under an old name is refused.
        self.name = f"explainer_{kb.fingerprint[:12]}_{next(_NAMES)}"
        with _LOCK:
            _host().register_rulesets({self.name: definition})

    def _action(self, index: int) -> Any:
        # durable-rules treats a callable with two parameters as asynchronous, and refuses
        # partials and callable objects: a one-parameter closure is the safe form.
        def action(closure: Any) -> None:
            assert self._collected is not None
            self._collected.append(index)

        return action

    def fired(self, fact: Mapping[str, str]) -> list[str]:
        """Ids of the rules whose condition holds for ``fact``, in rule order."""
        from durable.engine import MessageNotHandledException

        missing = self._fields - fact.keys()
        if missing or fact.get(MARKER_FIELD) != MARKER_VALUE or not all(
                isinstance(value, str) for value in fact.values()):
            # A fact the rules cannot fully match would take durable-rules' no-match path,
            # which crashes or leaks (see the module docstring).
            raise EngineError(f"not a complete profile fact (missing {sorted(missing)}); build "
                              "facts with explainer.profiles.to_fact")
        host = _host()
        with _LOCK:
            sid = f"s{next(_SESSIONS)}"
            collected: list[int] = []
            self._collected = collected
            self.open_sessions += 1
            try:
                matched = True
                try:
                    state = host.assert_fact(self.name, {**fact, "sid": sid})
                except MessageNotHandledException:
                    matched = False  # Unreachable with the always-matching rule; never delete.
                    raise EngineError("no rule matched the profile fact") from None
                except Exception as error:
                    raise EngineError(f"a rule action failed: {error}"[:300]) from None
                del state
            finally:
                self._collected = None
                try:
                    if matched:
                        host.delete_state(self.name, sid)
                finally:
                    self.open_sessions -= 1
                    self.evaluations += 1
        # A condition with "any of" is expanded by durable-rules into one variant per branch,
        # so a rule whose branches both hold runs its action twice: keep each rule once.
        return [self._rule_ids[index] for index in sorted(set(collected))]


def _ignore(closure: Any) -> None:
    """The action of the always-matching rule: nothing to record."""


def _fields_of(node: Any) -> set[str]:
    """Every fact field a compiled expression reads."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key.startswith("$") or key in ("all", "m"):
                found |= _fields_of(value)
            elif isinstance(value, str):
                found.add(key)
            else:
                found |= _fields_of(value)
    elif isinstance(node, list):
        for item in node:
            found |= _fields_of(item)
    return found
