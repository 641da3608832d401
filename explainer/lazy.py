"""Names a package exports but imports only on first use (PEP 562), so that a command that
needs part of the package (``explainer --help``) does not pay for importing all of it. Used by
``explainer``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a fast --help)
if TYPE_CHECKING:
    from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str],
                 namespace: MutableMapping[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name of ``exports`` (name -> the module
    that defines it) is imported on first use and kept in ``namespace`` (the package's
    globals), so that later uses are plain lookups."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
