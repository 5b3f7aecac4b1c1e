"""``NamedTuple`` and ``Protocol`` in typing's class syntax, without loading ``typing``.

A plain ``aoc23 solve`` would spend a fifth of its start importing ``typing`` (and the ``re``
it brings) for two names: this module gives them instead. A type checker sees typing's own
classes, so every check holds; at run time

- ``class Window(NamedTuple):`` with annotated fields (and defaults, last) makes the same
  class ``collections.namedtuple`` would, with the body's methods, properties and docstring
  on it, as ``typing.NamedTuple`` does;
- ``Protocol`` is a plain base class: aoc23 never asks ``isinstance`` of a protocol.

Modules that run when ``solve`` starts test ``if TYPE_CHECKING:`` with their own
``TYPE_CHECKING = False``, which type checkers read as true.
"""

from __future__ import annotations

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
    from typing import Protocol as Protocol
else:
    from collections import namedtuple

    _NOT_COPIED = frozenset(
        {
            "__annotations__",
            "__annotate__",
            "__annotate_func__",
            "__classdictcell__",
            "__conditional_annotations__",
            "__module__",
            "__orig_bases__",
        }
    )

    def _annotations(body):
        """The annotations of a class body: a dict in it, or (from Python 3.14, where a
        module without ``from __future__ import annotations`` defers them) what its
        ``__annotate__`` gives."""
        if "__annotations__" in body:
            return body["__annotations__"]
        annotate = body.get("__annotate__", body.get("__annotate_func__"))
        if annotate is None:
            return {}
        try:
            return annotate(1)  # 1: the values, as written
        except NameError:  # a name defined later, or only for type checkers
            import annotationlib

            return annotationlib.call_annotate_function(annotate, annotationlib.Format.FORWARDREF)

    class _NamedTupleMaker(type):
        def __new__(cls, name, bases, body):
            if not bases:
                return super().__new__(cls, name, bases, body)
            annotations = _annotations(body)
            fields = tuple(annotations)
            if not fields:
                raise TypeError(f"{name}: a record needs annotated fields")
            defaults = [body[field] for field in fields if field in body]
            if any(field in body for field in fields[: len(fields) - len(defaults)]):
                raise TypeError(f"{name}: a field without a default follows one with one")
            made = namedtuple(name, fields, defaults=defaults, module=body["__module__"])
            made.__annotations__ = annotations
            for key, value in body.items():
                if key not in _NOT_COPIED and key not in fields:
                    setattr(made, key, value)
            return made

    class NamedTuple(metaclass=_NamedTupleMaker):
        """Subclass with annotated fields: the class is a ``collections.namedtuple``."""

    class Protocol:
        """A base that only type checkers give a meaning to."""
