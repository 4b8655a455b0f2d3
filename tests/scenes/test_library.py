"""The USGS spectral library reader and Gaussian-SRF resampling."""

from __future__ import annotations

import numpy as np
import pytest
from support import USGS

from hsinb.errors import DataFileNotFoundError, UnknownNameError
from hsinb.scenes.library import (
    load_usgs_library,
    local_spacing,
    resample_spectra,
    resampling_matrix,
)

GRIDS = {
    "rosis": np.linspace(430, 860, 103),
    "casi_beyond_source": np.linspace(380, 1050, 144),  # starts below the 383 nm source edge
    "aviris": np.linspace(400, 2500, 224),
    "with_gaps": np.r_[
        np.linspace(400, 1340, 90), np.linspace(1460, 1790, 30), np.linspace(1960, 2500, 50)
    ],
}


@pytest.fixture(scope="module")
def lib():
    assert USGS.is_file(), f"USGS library missing at {USGS}; set HSINB_DATA to the data folder"
    return load_usgs_library(USGS)


def test_library_contents(lib):
    assert lib.spectra.shape == (498, 224)
    assert len(lib.names) == 498
    wl = lib.wavelengths_nm
    assert wl.shape == (224,) and np.all(np.diff(wl) > 0)
    assert 380 < wl[0] < 385 and 2505 < wl[-1] < 2510  # nm, not um
    assert np.isfinite(lib.spectra).all() and lib.spectra.min() >= 0 and lib.spectra.max() < 1.1
    assert lib.names[0].startswith("Acmite") and lib.names[-1].startswith("Walnut_Leaf")


def test_name_lookup_by_substring(lib):
    i = lib.index("lawn grass")
    assert lib.names[i].startswith("Lawn_Grass")
    assert lib.find("Kaolinite") and all(
        "kaolinite" in lib.names[j].lower() for j in lib.find("Kaolinite")
    )
    np.testing.assert_array_equal(lib.get("Lawn_Grass"), lib.spectra[i])
    assert len(lib.subset([i, 0])) == 2
    with pytest.raises(UnknownNameError):
        lib.index("asphalt")


def test_missing_library_file_is_a_named_error(tmp_path):
    with pytest.raises(DataFileNotFoundError):
        load_usgs_library(tmp_path / "nope.mat")


@pytest.mark.parametrize("grid", list(GRIDS), ids=list(GRIDS))
def test_resampling_preserves_constant_and_line(lib, grid):
    src, dst = lib.wavelengths_nm, GRIDS[grid]
    const = resample_spectra(np.full((3, src.size), 0.37), src, dst)
    np.testing.assert_allclose(const, 0.37, atol=1e-12)
    line = resample_spectra(0.1 + 2e-4 * src, src, dst)
    np.testing.assert_allclose(line, 0.1 + 2e-4 * dst, atol=1e-10)


def test_resampling_shapes_dtype_and_smoothing(lib):
    dst = GRIDS["rosis"]
    cube = np.broadcast_to(lib.get("Lawn_Grass").astype(np.float32), (4, 5, 224))
    out = resample_spectra(cube, lib.wavelengths_nm, dst)
    assert out.shape == (4, 5, 103) and out.dtype == np.float32
    # on its own grid with a narrow FWHM a spectrum is (nearly) unchanged
    same = resample_spectra(lib.spectra[:20], lib.wavelengths_nm, lib.wavelengths_nm, fwhm_nm=0.1)
    np.testing.assert_allclose(same, lib.spectra[:20], atol=1e-3)
    # each SRF is a unit-area weighting
    mat = resampling_matrix(lib.wavelengths_nm, dst)
    np.testing.assert_allclose(mat.sum(axis=0), 1.0, atol=1e-12)


def test_local_spacing_ignores_gaps():
    sp = local_spacing(GRIDS["with_gaps"])
    assert sp.max() < 12.0  # no band next to a removed range gets a 120 nm FWHM
    np.testing.assert_allclose(local_spacing(np.array([3.0, 1.0, 2.0])), [1.0, 1.0, 1.0])
