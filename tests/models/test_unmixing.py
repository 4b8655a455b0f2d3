"""The linear mixing model: VCA finds the pure pixels, FCLS and NNLS are exact (checked
against independent per-pixel solvers)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.optimize import nnls as scipy_nnls

from hsinb.errors import ShapeMismatchError
from hsinb.models.unmixing import fcls, match_endmembers, nnls, vca


def _mixture(e=4, b=40, n=600, seed=0, noise=0.0):
    rng = np.random.default_rng(seed)
    m = rng.random((e, b)) + 0.1
    a = rng.dirichlet(np.full(e, 0.5), size=n)
    a[:e] = np.eye(e)  # the pure pixels VCA must find
    x = a @ m + noise * rng.standard_normal((n, b))
    return x, m, a


def _slsqp_fcls(x, m):
    e = m.shape[0]
    r = minimize(lambda a: ((x - a @ m) ** 2).sum(), np.full(e, 1 / e), jac=lambda a: -2 * m @ (x - a @ m),
                 bounds=[(0, None)] * e, constraints=[{"type": "eq", "fun": lambda a: a.sum() - 1}],
                 method="SLSQP", options={"ftol": 1e-15, "maxiter": 1000})
    return r.x


def test_fcls_recovers_noiseless_abundances():
    x, m, a = _mixture()
    np.testing.assert_allclose(fcls(x, m), a, atol=1e-6)


def test_fcls_matches_an_independent_solver_on_noisy_pixels():
    x, m, _ = _mixture(noise=0.08, seed=1)
    got = fcls(x[:40], m)
    want = np.array([_slsqp_fcls(p, m) for p in x[:40]])  # test-only loop: one solve per pixel
    assert got.min() >= 0 and np.allclose(got.sum(1), 1)
    np.testing.assert_allclose(got, want, atol=1e-5)
    assert (got < 1e-9).any()  # noise pushes some pixels onto a face: the constraints are active


def test_nnls_matches_scipy_and_is_scale_free_once_normalised():
    x, m, a = _mixture(noise=0.05, seed=2)
    got = nnls(x[:60], m)
    want = np.array([scipy_nnls(m.T, p)[0] for p in x[:60]])
    np.testing.assert_allclose(got, want, atol=1e-7)
    clean = nnls(3.0 * (a @ m), m)  # a brighter scene: NNLS absorbs the factor, FCLS cannot
    np.testing.assert_allclose(clean / clean.sum(1, keepdims=True), a, atol=1e-6)
    assert np.abs(fcls(3.0 * (a @ m), m) - a).max() > 0.05


def test_vca_finds_the_pure_pixels_and_matching_orders_them():
    x, m, _ = _mixture(seed=3)
    found, where = vca(x, 4, seed=0)
    assert sorted(where.tolist()) == [0, 1, 2, 3]
    order, angles = match_endmembers(found, m)
    np.testing.assert_allclose(found[order], m)
    np.testing.assert_allclose(angles, 0.0, atol=1e-5)


def test_vca_low_snr_branch_still_finds_the_vertices():
    x, m, _ = _mixture(seed=4)
    _, where = vca(x, 4, seed=0, snr_db=0.0)  # forces the PCA projection branch
    assert sorted(where.tolist()) == [0, 1, 2, 3]


def test_unmixing_refuses_bad_shapes():
    x, m, _ = _mixture()
    with pytest.raises(ShapeMismatchError, match="bands"):
        fcls(x, m[:, :-1])
    with pytest.raises(ShapeMismatchError, match="reshape"):
        fcls(x.reshape(20, 30, -1), m)
    with pytest.raises(ShapeMismatchError, match="n_endmembers"):
        vca(x, 0)
    with pytest.raises(ShapeMismatchError, match="at most"):
        nnls(x[:, :13], np.ones((13, 13)))
