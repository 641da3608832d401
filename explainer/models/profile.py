"""The profile: the factors a person entered, each a known value or unknown."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Profile(BaseModel):
    """The factors that shape which treatment categories are discussed.

    Every factor may be unknown: an omitted factor *is* unknown. The core factors are fields;
    further factors the knowledge base defines (for example ``brca_mutation`` or
    ``side_effect_concerns``) are accepted as extra fields. Values are checked against the
    knowledge base by :func:`explainer.explain`, which raises :class:`explainer.ProfileError`
    naming the field and the allowed values; build profiles with :func:`explainer.parse_profile`
    (or pass a plain dict to :func:`explainer.explain`) to get that check up front.
    """

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    stage: str = "unknown"
    menopausal_status: str = "unknown"
    hr_status: str = "unknown"
    her2_status: str = "unknown"
    general_health: str = "unknown"
    age: int | None = None

    def value(self, factor_id: str) -> Any:
        """The value of ``factor_id``: a field or an extra; None when it was not given."""
        if factor_id in type(self).model_fields:
            return getattr(self, factor_id)
        return (self.model_extra or {}).get(factor_id)
