"""Compiling rules into the durable-rules ruleset form (a pure function, easy to snapshot)."""

from __future__ import annotations

from typing import Any

from explainer.kb.conditions import to_durable
from explainer.kb.knowledge import KnowledgeBase


def compile_ruleset(kb: KnowledgeBase) -> dict[str, dict[str, Any]]:
    """The ruleset definition for ``kb``: ``{rule_id: {"all": [{"m": expression}]}}``.

    Actions (``run``) are attached by the engine; durable-rules removes them from the dict it
    is given, so every registration needs a fresh copy from this function.
    """
    return {
        loaded.id: {"all": [{"m": to_durable(loaded.condition)}]}
        for loaded in kb.rules
    }
