"""One source per experiment: the notebook's parameters cell, its batch task and its quick
setting all come from the experiment's parameters dataclass."""

from __future__ import annotations

import ast
import inspect
from dataclasses import fields

import nbformat
import pytest
from support import REPO

from hsinb.errors import UnknownParameterError
from hsinb.experiments import method_a, method_b, method_c
from hsinb.experiments.params import (
    NOT_RECORDED,
    check_names,
    from_namespace,
    parameter_defaults,
    record_params,
    with_quick,
)

NOTEBOOKS = REPO / "notebooks"
#: (notebook, parameters class, quick values, batch task, notebook-only parameters)
EXPERIMENTS = [
    ("04_barlow.ipynb", method_a.MethodAParams, method_a.QUICK_A, method_a.method_a_task, set()),
    ("05_cross_domain_contrastive.ipynb", method_b.MethodBParams, method_b.QUICK_B, method_b.method_b_task, set()),
    ("06_contrastive_regression.ipynb", method_c.MethodCParams, method_c.QUICK_C, method_c.method_c_task,
     {"figures_dir"}),
]
IDS = [e[0].split("_")[0] for e in EXPERIMENTS]


def _parameters_cell(notebook: str) -> tuple[dict[str, object], str]:
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    values = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(code[0].source).body
              if isinstance(node, ast.Assign)}
    return values, "\n".join(c.source for c in code[1:])


@pytest.mark.parametrize(("notebook", "cls", "quick", "task", "notebook_only"), EXPERIMENTS, ids=IDS)
def test_notebook_task_and_dataclass_agree_on_names_defaults_and_quick(notebook, cls, quick, task, notebook_only):
    cell, rest = _parameters_cell(notebook)
    defaults = parameter_defaults(cls)
    assert {k: v for k, v in cell.items() if k not in notebook_only} == defaults  # names AND defaults
    assert {k: p.default for k, p in inspect.signature(task).parameters.items()} == defaults
    # the quick setting lives in the package only: the notebook never overrides it
    code = "\n".join(line for line in rest.splitlines() if not line.lstrip().startswith(("%", "!")))
    reassigned = {t.id for node in ast.walk(ast.parse(code)) if isinstance(node, (ast.Assign, ast.AugAssign))
                  for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                  for t in ast.walk(t) if isinstance(t, ast.Name)}
    settings = set(defaults) - set(NOT_RECORDED)  # paths may be derived (e.g. the record beside the figures)
    assert not reassigned & settings, f"{notebook} sets parameters itself: {reassigned & settings}"
    assert set(quick) <= set(defaults) and all(defaults[k] != v for k, v in quick.items())
    fast = with_quick(cls(quick=True), quick)
    assert all(getattr(fast, k) == v for k, v in quick.items())
    assert with_quick(cls(), quick) == cls()  # no quick, no change


def test_unknown_parameter_names_the_closest_ones():
    with pytest.raises(UnknownParameterError, match="did you mean 'quick'"):
        check_names(method_a.MethodAParams, ["quik"])
    with pytest.raises(UnknownParameterError, match="did you mean 'quick'"):
        method_a.method_a_task(quik=True)


def test_from_namespace_takes_the_fields_and_records_leave_out_paths():
    params = from_namespace(method_c.MethodCParams, {"scene": "samson", "seed": 3, "figures_dir": "x", "other": 1})
    assert params.scene == "samson" and params.seed == 3 and params.backbone == "varahagiri"
    rec = record_params(params)
    assert "data_dir" not in rec and "record_path" not in rec
    assert list(rec) == [f.name for f in fields(params) if f.name not in ("data_dir", "record_path")]


def test_budget_presets_resolve_and_refuse_silent_overrides():
    from hsinb.errors import InvalidParameterError
    from hsinb.experiments.method_a import BUDGETS_A, MethodAParams, budget_text, with_budget
    from hsinb.scenes import load_scene

    laptop = with_budget(MethodAParams())
    assert (laptop.pretrain_epochs, laptop.pretrain_steps_per_epoch) == (10, 10)
    paper = with_budget(MethodAParams(budget="paper"))
    assert (paper.pretrain_epochs, paper.pretrain_steps_per_epoch) == (100, None) == tuple(BUDGETS_A["paper"].values())
    custom = with_budget(MethodAParams(budget="custom", pretrain_epochs=3, pretrain_steps_per_epoch=2))
    assert custom.pretrain_epochs == 3
    with pytest.raises(InvalidParameterError, match="budget='custom'"):
        with_budget(MethodAParams(pretrain_epochs=5))  # would silently lose to the preset
    with pytest.raises(InvalidParameterError, match="needs pretrain_epochs"):
        with_budget(MethodAParams(budget="custom"))
    demo = load_scene("demo")
    text = budget_text(laptop, demo)
    pixels = demo.shape[0] * demo.shape[1]
    assert "10 epochs x 10 steps x 256 pairs = 25,600 pairs" in text
    assert f"{100 * 25600 / (100 * -(-pixels // 256) * 256):.1f} %" in text
    assert "100.0 %" in budget_text(paper, demo)


def test_quick_mode_pretrains_for_quick_steps_unless_the_caller_chose_a_budget():
    """CI ran notebook 04 in quick mode at the laptop budget (100 s): the preset had filled the
    epochs before the quick setting looked, so quick mode kept them."""
    from hsinb.experiments.method_a import QUICK_A, MethodAParams, resolve_params

    quick = resolve_params(MethodAParams(quick=True))
    assert (quick.pretrain_epochs, quick.pretrain_steps_per_epoch, quick.budget) == (
        QUICK_A["pretrain_epochs"], QUICK_A["pretrain_steps_per_epoch"], "custom")
    assert quick.epochs == QUICK_A["epochs"]
    paper = resolve_params(MethodAParams(quick=True, budget="paper"))
    assert (paper.pretrain_epochs, paper.epochs) == (100, QUICK_A["epochs"])
    mine = resolve_params(MethodAParams(quick=True, budget="custom", pretrain_epochs=4))
    assert (mine.pretrain_epochs, mine.pretrain_steps_per_epoch) == (4, None)  # the caller's whole budget
    assert resolve_params(MethodAParams()).pretrain_epochs == 10  # not quick: the laptop preset


def test_an_injected_typo_stops_the_notebook_with_did_you_mean():
    from hsinb.experiments.params import check_notebook_parameters

    params_cell = "K = 10  # labelled pixels\nquick = False\nscene = 'demo'\n"
    check_notebook_parameters({"_ih": ["", params_cell, "# Parameters\nK = 5\nquick = True\n"]})
    check_notebook_parameters({"_ih": ["", params_cell]})  # not a papermill run: nothing to check
    with pytest.raises(UnknownParameterError, match="no parameter 'quik'. Did you mean 'quick'"):
        check_notebook_parameters({"_ih": ["", params_cell, "# Parameters\nK = 5\nquik = True\n"]})


@pytest.mark.parametrize("notebook", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_every_notebook_checks_its_injected_parameters_first(notebook):
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "check_notebook_parameters(globals())" in code[1], f"{notebook}: call it in the cell after the parameters"
