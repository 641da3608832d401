"""An educational, non-diagnostic explainer of breast cancer treatment categories.

It shows which broad treatment categories are often discussed, may be discussed, are less likely,
or depend on information not yet known, for the factors a person enters, with the reason and the
source behind every line. It is education, not medical advice.

    >>> from explainer import explain
    >>> result = explain({"stage": "IV", "hr_status": "positive"})
    >>> result.category("hormone_therapy").relevance
    'often_discussed'
"""

from __future__ import annotations

from explainer.lazy import lazy_exports

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a fast --help)

__version__ = "0.1.0"

# Public names are imported on first use (PEP 562), so that `explainer --help` or a command
# that needs only part of the package does not pay for importing all of it.
_EXPORTS = {
    "Explainer": "explainer.explanation.api", "explain": "explainer.explanation.api",
    "get_explainer": "explainer.explanation.api",
    "EngineError": "explainer.errors", "ExitCode": "explainer.errors",
    "ExplainerError": "explainer.errors", "InputError": "explainer.errors",
    "KnowledgeBaseError": "explainer.errors", "KnowledgeIssue": "explainer.errors",
    "ProfileError": "explainer.errors", "KnowledgeBase": "explainer.kb.knowledge",
    "load_knowledge": "explainer.kb.loader", "Explanation": "explainer.explanation.models",
    "Profile": "explainer.kb.profiles",
}

if TYPE_CHECKING:
    from explainer.errors import (
        EngineError,
        ExitCode,
        ExplainerError,
        InputError,
        KnowledgeBaseError,
        KnowledgeIssue,
        ProfileError,
    )
    from explainer.explanation.api import Explainer, explain, get_explainer
    from explainer.explanation.models import Explanation
    from explainer.kb.knowledge import KnowledgeBase
    from explainer.kb.loader import load_knowledge
    from explainer.kb.profiles import Profile


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


def parse_profile(data: object, knowledge: KnowledgeBase | None = None) -> Profile:
    """Check ``data`` against a knowledge base (the bundled one by default) and return a Profile.

    Raises :class:`ProfileError` naming each bad field, its allowed values and a likely fix.
    """
    from explainer.explanation.api import get_explainer
    from explainer.kb.profiles import parse_profile as check

    kb = knowledge if knowledge is not None else get_explainer().kb
    return check(data, kb.factors)


__all__ = [
    "EngineError",
    "ExitCode",
    "Explainer",
    "ExplainerError",
    "Explanation",
    "InputError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KnowledgeIssue",
    "Profile",
    "ProfileError",
    "__version__",
    "explain",
    "get_explainer",
    "load_knowledge",
    "parse_profile",
]
