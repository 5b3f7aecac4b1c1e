"""aoc23.records: a class written in typing.NamedTuple's syntax, made without typing, is the
same kind of class typing would make."""

from __future__ import annotations

import pickle
import sys
import types
import typing

import pytest

from aoc23.records import NamedTuple


class Sized(NamedTuple):
    """A record with a default, a property and a method."""

    name: str
    width: int
    height: int = 1

    @property
    def area(self) -> int:
        return self.width * self.height

    def wider(self, by: int) -> Sized:
        return self._replace(width=self.width + by)


class SizedByTyping(typing.NamedTuple):
    name: str
    width: int
    height: int = 1


def test_a_record_is_a_named_tuple_like_typings() -> None:
    ours, theirs = Sized("a", 3), SizedByTyping("a", 3)
    assert ours == theirs == ("a", 3, 1)
    assert hash(ours) == hash(theirs)
    assert Sized._fields == SizedByTyping._fields
    assert Sized._field_defaults == SizedByTyping._field_defaults == {"height": 1}
    assert repr(ours) == "Sized(name='a', width=3, height=1)"
    assert Sized.__annotations__ == {"name": "str", "width": "int", "height": "int"}
    assert isinstance(ours, tuple)
    assert not hasattr(ours, "__dict__")


def test_its_body_comes_along() -> None:
    record = Sized("a", 3, 2)
    assert record.area == 6
    assert record.wider(1) == Sized("a", 4, 2)
    assert Sized.__doc__ == "A record with a default, a property and a method."
    assert Sized.__module__ == __name__
    assert Sized.__qualname__ == "Sized"


def test_it_pickles_and_refuses_what_a_tuple_refuses() -> None:
    record = Sized("a", 3)
    assert pickle.loads(pickle.dumps(record)) == record
    with pytest.raises(AttributeError):
        record.width = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        Sized("a")  # type: ignore[call-arg]


def test_a_field_without_default_after_one_with_default_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default"):

        class Wrong(NamedTuple):
            first: int = 0
            second: int


def test_a_record_without_annotated_fields_is_refused_rather_than_made_empty() -> None:
    with pytest.raises(TypeError, match="Empty: a record needs annotated fields"):

        class Empty(NamedTuple):
            name = "a"


@pytest.mark.parametrize("key", ["__annotate__", "__annotate_func__"])
def test_fields_deferred_as_python_3_14_defers_them_are_read_all_the_same(key: str) -> None:
    """From Python 3.14 a module without ``from __future__ import annotations`` leaves a
    function in the class body instead of an ``__annotations__`` dict."""
    deferred = {"name": str, "width": int}

    def annotate(format: int) -> dict[str, type]:
        assert format == 1  # the values
        return deferred

    body = {"__module__": __name__, key: annotate, "width": 2}
    made = type(NamedTuple)("Deferred", (NamedTuple,), body)
    assert made._fields == ("name", "width")
    assert made("a") == ("a", 2)
    assert made.__annotations__ == deferred
    assert vars(made).get(key) is not body[key]


def test_fields_whose_deferred_annotations_name_what_is_not_defined_yet_are_read_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Python 3.14 evaluates such annotations as forward references
    (``annotationlib.Format.FORWARDREF``), as typing.NamedTuple does; annotationlib stands
    in here for the 3.14 module."""
    asked: list[object] = []

    def annotate(format: int) -> dict[str, object]:
        asked.append(format)
        if format == 1:
            raise NameError("name 'Later' is not defined")
        return {"name": "Later"}

    annotationlib = types.SimpleNamespace(
        Format=types.SimpleNamespace(FORWARDREF=3),
        call_annotate_function=lambda function, format: function(format),
    )
    monkeypatch.setitem(sys.modules, "annotationlib", annotationlib)
    body = {"__module__": __name__, "__annotate__": annotate}
    made = type(NamedTuple)("Forward", (NamedTuple,), body)
    assert made._fields == ("name",)
    assert asked == [1, 3]
