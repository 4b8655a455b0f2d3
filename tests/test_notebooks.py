"""Notebooks: structure (parameters cell, jupytext twins, no outputs) and a quick-mode run
of every ``notebooks/*.ipynb`` through papermill.

The run uses the ``python3`` kernelspec, which ``pip install ipykernel`` installs into
``sys.prefix/share/jupyter/kernels``; no ``python -m ipykernel install --user`` is needed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks found in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_code_cell_is_tagged_parameters(path: Path):
    import papermill

    nb = nbformat.read(path, as_version=4)
    cells = code_cells(nb)
    assert cells, f"{path.name} has no code cell"
    tags = cells[0].metadata.get("tags", [])
    assert "parameters" in tags, f"{path.name}: first code cell is not tagged 'parameters'"
    assert nb.cells[0].cell_type == "markdown", f"{path.name}: must open with a markdown cell"
    params = papermill.inspect_notebook(str(path))
    assert "quick" in params, f"{path.name}: the parameters cell must define `quick`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_ipynb_has_a_py_twin_in_sync(path: Path):
    import jupytext

    twin = path.with_suffix(".py")
    assert twin.is_file(), f"{path.name} has no jupytext twin {twin.name}; run `jupytext --sync {path}`"
    nb = nbformat.read(path, as_version=4)
    py = jupytext.read(twin)
    got = [c.source for c in code_cells(nb)]
    want = [c.source for c in code_cells(py)]
    assert got == want, (
        f"{path.name} and {twin.name} differ in their code cells; edit the .py and run "
        f"`jupytext --sync {twin}`"
    )
    assert [c.cell_type for c in nb.cells] == [c.cell_type for c in py.cells]


def test_every_py_twin_has_an_ipynb():
    for py in NOTEBOOK_DIR.glob("*.py"):
        if "# %%" in py.read_text():
            assert py.with_suffix(".ipynb").is_file(), f"{py.name} has no .ipynb; run `jupytext --sync {py}`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebooks_are_committed_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(code_cells(nb)):
        assert not cell.outputs and cell.execution_count is None, (
            f"{path.name}: code cell {i} has outputs; clear them "
            "(`jupyter nbconvert --clear-output --inplace`)"
        )


@pytest.mark.notebooks
@pytest.mark.timeout(600)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_in_quick_mode(path: Path, tmp_path: Path, monkeypatch, capsys):
    import papermill

    monkeypatch.setenv("MPLBACKEND", "Agg")  # the kernel inherits this environment
    monkeypatch.setenv("HSINB_OFFLINE", "1")  # quick runs never download
    monkeypatch.setenv("CI", "1")  # notebooks treat a missing data file as an error, not a skip
    out = tmp_path / path.name
    # notebook 06 also saves its figures (what `make figures-c` relies on), in the same run
    extra = {"figures_dir": str(tmp_path / "figures")} if path.name.startswith("06_") else {}
    start = time.perf_counter()
    papermill.execute_notebook(
        str(path),
        str(out),
        parameters={"quick": True, **extra},
        kernel_name="python3",
        cwd=str(path.parent),
        progress_bar=False,
        execution_timeout=300,
    )
    seconds = time.perf_counter() - start
    with capsys.disabled():
        print(f"\n{path.name}: quick run took {seconds:.1f} s", end="")
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in code_cells(nb) for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"
    assert os.path.getsize(out) > 0
    if extra:
        saved = sorted(p.name for p in (tmp_path / "figures").iterdir() if p.suffix != ".pdf")
        assert saved == ["endmember_angles.csv", "learning_curves.png", "record.json", "scatter.png",
                         "scatter_vs_baseline.png", "tile_maps.png"]
        assert (tmp_path / "figures" / "scatter.pdf").is_file()  # a vector copy for papers
        assert "tree_conifer" in (tmp_path / "figures" / "endmember_angles.csv").read_text()  # the demo's endmembers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_papermill_sees_every_parameter(path: Path):
    """papermill silently drops a parameter line it cannot parse (e.g. a ';' in a comment),
    which would make the grid runner reject that parameter."""
    import ast

    import papermill

    nb = nbformat.read(path, as_version=4)
    assigned = {t.id for node in ast.parse(code_cells(nb)[0].source).body if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    assert set(papermill.inspect_notebook(str(path))) == assigned
