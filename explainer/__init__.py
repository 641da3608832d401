"""An educational, non-diagnostic explainer of breast cancer treatment categories.

It shows which broad treatment categories are often discussed, may be discussed, are less likely,
or depend on information not yet known, for the factors a person enters, with the reason and the
source behind every line. It is education, not medical advice.

    >>> from explainer import explain
    >>> result = explain({"stage": "IV", "hr_status": "positive"})
    >>> result.category("hormone_therapy").relevance
    'often_discussed'
"""

from explainer.api import Explainer, explain, get_explainer
from explainer.errors import (
    EngineError,
    ExitCode,
    ExplainerError,
    InputError,
    KnowledgeBaseError,
    KnowledgeIssue,
    ProfileError,
)
from explainer.knowledge import KnowledgeBase
from explainer.loader import load_knowledge
from explainer.models.explanation import Explanation
from explainer.models.profile import Profile
from explainer.profiles import parse_profile as _parse_profile

__version__ = "0.1.0"


def parse_profile(data: object, knowledge: KnowledgeBase | None = None) -> Profile:
    """Check ``data`` against a knowledge base (the bundled one by default) and return a Profile.

    Raises :class:`ProfileError` naming each bad field, its allowed values and a likely fix.
    """
    kb = knowledge if knowledge is not None else get_explainer().kb
    return _parse_profile(data, kb.factors)


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
