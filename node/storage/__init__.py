"""Storage: models, migrations, every SQL statement (docs/structure.md).

Importing tortoise costs one needless step at every start: its model metaclass reads the
source of each model class (``inspect.getsource``, which re-parses the whole module with
``ast``) to look for ``#:`` comments that document fields, and does so for tortoise's own
``Model`` base class while ``tortoise.models`` is imported (about 40-60 ms here; the base
class has no fields to document). It is imported here with that one look-up answered
"no source" (tortoise then finds no comments, as it would). The node's own models skip
the same scan in :mod:`node.storage.models`. Measured in docs/performance.md.
"""

import inspect as _inspect
from typing import Any


def _import_tortoise() -> None:
    getsource = _inspect.getsource

    def no_source_for_tortoise_classes(obj: Any) -> str:
        if _inspect.isclass(obj) and obj.__module__ == "tortoise.models":
            raise OSError("source not read (node.storage)")
        return getsource(obj)

    _inspect.getsource = no_source_for_tortoise_classes  # type: ignore[assignment]
    try:
        import tortoise.models  # noqa: F401
    finally:
        _inspect.getsource = getsource


_import_tortoise()
