"""One source for an experiment's parameters: a frozen dataclass whose fields are the
notebook's ``parameters`` cell (names, defaults), with its quick setting beside it.

The notebook builds it from its own variables (:func:`from_namespace`), the batch task is made
from it (:func:`make_task`: the same names and defaults as keyword arguments, for the grid
runner), and a test holds the notebook's parameters cell against it.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, replace
from typing import Any, TypeVar

from ..errors import UnknownParameterError

__all__ = ["parameter_defaults", "check_names", "check_notebook_parameters", "quick_banner", "QUICK_BANNER", "from_namespace", "with_quick", "record_params", "make_task",
           "NOT_RECORDED"]

P = TypeVar("P")

#: parameters that say where things are, not what was run: never in a record's ``params``
NOT_RECORDED = ("data_dir", "record_path", "figures_dir")


def parameter_defaults(cls: type) -> dict[str, Any]:
    """``{name: default}`` of a parameters dataclass, in field order."""
    return {f.name: f.default for f in fields(cls)}


def check_names(cls: type, names: Iterable[str]) -> None:
    """Raise :class:`UnknownParameterError` for a name ``cls`` does not have, with the closest
    known names ("did you mean ...")."""
    known = list(parameter_defaults(cls))
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise UnknownParameterError(f"unknown parameter {name!r}{hint} Known: {', '.join(known)}")


def _assigned(source: str) -> list[str]:
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)]


def check_notebook_parameters(namespace: Mapping[str, Any]) -> None:
    """In a notebook run by papermill: stop at once, with "did you mean", when the injected
    parameters (papermill's ``# Parameters`` cell) name a variable that the notebook's own
    ``parameters`` cell does not define (papermill itself only warns, and the run goes on
    with the default). Reads the kernel's input history (``_ih``); does nothing outside a
    papermill run."""
    history = [c for c in namespace.get("_ih", []) if c and c.strip()]
    injected = [c for c in history if c.lstrip().startswith("# Parameters")]
    if not injected:
        return
    first = history.index(injected[-1])
    known = set()
    for cell in history[:first]:
        known.update(_assigned(cell))
    for name in _assigned(injected[-1]):
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=3)
            hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise UnknownParameterError(f"this notebook has no parameter {name!r}.{hint} Its parameters: "
                                        f"{', '.join(sorted(known))}")


QUICK_BANNER = ("QUICK MODE: a few steps of everything on small settings, to show that the notebook runs. "
                "Numbers and figures from a quick run are not findings; run without quick for those.")


def quick_banner(quick: bool) -> None:
    """Print the quick-mode banner (as Markdown in a notebook) when ``quick`` is true."""
    if not quick:
        return
    try:
        from IPython.display import Markdown, display

        display(Markdown(f"> **{QUICK_BANNER.split(':')[0]}**:{QUICK_BANNER.split(':', 1)[1]}"))
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        print(QUICK_BANNER)


def from_namespace(cls: type[P], namespace: Mapping[str, Any]) -> P:
    """An instance of ``cls`` from the variables of a notebook (``globals()``): every field
    present in ``namespace`` is taken, the others keep their defaults."""
    return cls(**{k: namespace[k] for k in parameter_defaults(cls) if k in namespace})


def with_quick(params: P, quick_values: Mapping[str, Any]) -> P:
    """``params`` with ``quick_values`` applied when ``params.quick`` is true (seconds-long
    runs for CI and workshops; their numbers are not findings). A field the caller changed
    from its default keeps the caller's value (``-p scene my_cube.mat -p quick True`` runs
    quickly on that file)."""
    if not getattr(params, "quick", False):
        return params
    defaults = parameter_defaults(type(params))
    return replace(params, **{k: v for k, v in quick_values.items() if getattr(params, k) == defaults.get(k)})


def record_params(params: Any) -> dict[str, Any]:
    """The parameters a run's record keeps: every field except where things are
    (:data:`NOT_RECORDED`), in field order."""
    return {f.name: getattr(params, f.name) for f in fields(params) if f.name not in NOT_RECORDED}


def make_task(cls: type[P], run: Callable[..., Any], name: str, module: str, doc: str) -> Callable[..., dict[str, Any]]:
    """A batch task for the grid runner: keyword arguments named and defaulted as the fields of
    ``cls``; it calls ``run(cls(**kwargs), progress=False)`` and returns the record
    (``.record`` of what ``run`` returns). ``name`` and ``module`` are where the grid runner
    finds it (``"module:name"``)."""

    def task(**kwargs: Any) -> dict[str, Any]:
        check_names(cls, kwargs)
        return run(cls(**kwargs), progress=False).record

    task.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default) for f in fields(cls)])
    task.__name__ = task.__qualname__ = name
    task.__module__ = module
    task.__doc__ = doc
    return task
