"""The base every knowledge model builds on: immutable models that refuse unknown keys, and the
id and text types their fields use.

Apart from :mod:`explainer.kb.models` (the schema of each YAML file) so that
:mod:`explainer.kb.review_meta`, which those schemas use, can build on it too.
"""

# No `from __future__ import annotations`: pydantic would then evaluate each field's
# annotation from its text when a class is made, a few ms of every start (docs/performance.md).

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictStr

Id = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=60)]
RuleId = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
ValueId = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_]*$", max_length=40)]
Text = Annotated[StrictStr, Field(min_length=1, max_length=2000)]
ShortText = Annotated[StrictStr, Field(min_length=1, max_length=200)]


class Frozen(BaseModel):
    """Base for knowledge models: immutable, and unknown keys are errors."""

    # defer_build: a schema is built on first validation, not at import, so a command that
    # never validates (the knowledge base comes from the cache) does not pay for it.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
