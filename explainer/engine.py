"""Running the compiled rules on durable-rules, safely.

durable-rules 2.0.28 has traps this module exists to avoid (see the project's design notes):
each evaluation opens a session that must be deleted, or the engine runs out of sessions and
can crash; exceptions inside actions are swallowed into the returned state; every ``Host``
starts background timer threads; and concurrent calls are not safe. So: one quiet Host for the
process, one lock around every evaluation, a fresh session id per evaluation deleted in a
``finally``, facts (not events) so every matching rule fires, and action errors re-raised.
"""

from __future__ import annotations

import itertools
import threading
import warnings
from collections.abc import Mapping
from typing import Any

from explainer.compiler import compile_ruleset
from explainer.conditions import holds
from explainer.errors import EngineError
from explainer.knowledge import KnowledgeBase

_LOCK = threading.Lock()
_HOST: Any = None
_NAMES = itertools.count(1)
_SESSIONS = itertools.count(1)

PY313_HINT = (
    'durable-rules could not load on this Python ({error}). On Python 3.13 reinstall it with: '
    'CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject" pip install --force-reinstall '
    '--no-binary durable-rules --no-cache-dir durable-rules==2.0.28 (see README, Python versions)'
)


def _host() -> Any:
    """The process-wide dispatcher-less Host (created on first use, under the lock)."""
    global _HOST
    if _HOST is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                import durable.engine as durable_engine
        except ImportError as error:
            raise EngineError(PY313_HINT.format(error=error)) from None

        class QuietHost(durable_engine.Host):  # type: ignore[misc]
            """A Host without its background dispatcher.

            ``Host.__init__`` calls ``_run``, which starts two self-rescheduling timer threads
            that are never stopped and that race with callers. This project uses neither timers
            nor async actions, so ``_run`` does nothing. Overriding a private method is safe only
            because durable-rules is pinned to 2.0.28 in pyproject.toml.
            """

            def _run(self) -> None:
                return None

        _HOST = QuietHost()
    return _HOST


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
        for index, rule_id in enumerate(self._rule_ids):
            definition[rule_id]["run"] = self._action(index)
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

        host = _host()
        with _LOCK:
            sid = f"s{next(_SESSIONS)}"
            collected: list[int] = []
            self._collected = collected
            self.open_sessions += 1
            try:
                try:
                    state = host.assert_fact(self.name, {**fact, "sid": sid})
                except MessageNotHandledException:
                    state = None  # No rule matched; the session exists all the same.
                if isinstance(state, dict) and "exception" in state:
                    raise EngineError(f"a rule action failed: {state['exception'][:200]}")
            finally:
                self._collected = None
                try:
                    host.delete_state(self.name, sid)
                finally:
                    self.open_sessions -= 1
                    self.evaluations += 1
        return [self._rule_ids[index] for index in sorted(collected)]


def oracle_fired(kb: KnowledgeBase, fact: Mapping[str, str]) -> list[str]:
    """The same answer as :meth:`RulesEngine.fired`, computed in plain Python (a test oracle)."""
    return [loaded.id for loaded in kb.rules if holds(loaded.condition, fact)]
