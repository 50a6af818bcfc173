"""The public names of the guide are listed once, in `__all__`, and all exist."""

from __future__ import annotations

from mandaatwijzer import guide


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in dir(guide) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(guide, name)).__name__ == "module"}
    assert set(guide.__all__) == public - modules
    order = sorted(guide.__all__, key=lambda n: (not n.isupper(), n[0].islower(), n))
    assert guide.__all__ == order
