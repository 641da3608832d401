"""The plain-Python oracle: which rules fire for a fact, without durable-rules.

It evaluates the same parsed conditions as the compiled rules; the tests hold the two equal
over the whole factor space, and the factor-space checks of ``explainer lint`` use the oracle
so that they need no engine.
"""

from __future__ import annotations

from collections.abc import Mapping

from explainer.kb.conditions import holds
from explainer.kb.knowledge import KnowledgeBase


def oracle_fired(kb: KnowledgeBase, fact: Mapping[str, str]) -> list[str]:
    """The same answer as :meth:`~explainer.engine.host.RulesEngine.fired`, computed in plain
    Python (a test oracle)."""
    return [loaded.id for loaded in kb.rules if holds(loaded.condition, fact)]
