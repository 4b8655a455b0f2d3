"""The scene simulator: mixing models, noise, paper C's scene, the demo and the stand-ins."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch
from support import DATA, USGS

from hsinb.errors import PatchSizeError, UnknownNameError
from hsinb.scenes import STANDIN_SCENES, get_spec, load_label_maps, load_scene
from hsinb.scenes.library import load_usgs_library
from hsinb.scenes.simulate import (
    PRESETS,
    RECIPES,
    Variability,
    add_noise_snr,
    bilinear_mixing,
    dirichlet_abundances,
    gaussian_modulation,
    linear_mixing,
    make_demo_scene,
    make_paper_c_scene,
    make_standin,
    material_spectrum,
    measure_snr_db,
    parse_recipe,
    patch_mean_abundances,
    pnmm_mixing,
    recipe_for,
    render_labelled_scene,
    smooth_abundances,
)

WL_ROSIS = get_spec("paviaU").wavelengths()

# class names as listed in /work/shared/design/SCENES.md
SCENE_CLASSES = {n: list(get_spec(n).class_names) for n in STANDIN_SCENES}
SCENE_WL = {n: get_spec(n).wavelengths() for n in STANDIN_SCENES}


def assert_simplex(a: np.ndarray, atol: float = 1e-5) -> None:
    assert a.min() >= 0.0
    np.testing.assert_allclose(a.sum(axis=-1), 1.0, atol=atol)


def block_labels(h: int = 40, w: int = 30, n_classes: int = 9, seed: int = 0) -> np.ndarray:
    """(h, w) label map of rectangular blocks with some unlabelled ones."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, n_classes + 1, size=(h // 10 + 1, w // 10 + 1))
    blocks[0, 0] = 0
    blocks.flat[1 : n_classes + 1] = np.arange(1, n_classes + 1)[: blocks.size - 1]
    return np.kron(blocks, np.ones((10, 10), dtype=np.int64))[:h, :w]


@pytest.fixture(scope="module")
def lib():
    assert USGS.is_file(), f"USGS library missing at {USGS}; set HSINB_DATA to the data folder"
    return load_usgs_library(USGS)


# ---------------------------------------------------------------------- mixing and noise
def test_mixing_models_match_explicit_formulas():
    rng = np.random.default_rng(0)
    M, A = rng.uniform(0, 1, (12, 4)), rng.dirichlet(np.ones(4), size=7)
    for a, x_lin, x_pnmm, x_bil in zip(
        A, linear_mixing(M, A), pnmm_mixing(M, A), bilinear_mixing(M, A)
    ):
        y = sum(a[k] * M[:, k] for k in range(4))
        np.testing.assert_allclose(x_lin, y)
        np.testing.assert_allclose(x_pnmm, y + y * y)
        cross = sum(a[i] * a[j] * M[:, i] * M[:, j] for i in range(4) for j in range(i + 1, 4))
        np.testing.assert_allclose(x_bil, y + cross)
    tm, ta = torch.from_numpy(M), torch.from_numpy(A)
    np.testing.assert_allclose(pnmm_mixing(tm, ta).numpy(), pnmm_mixing(M, A))
    np.testing.assert_allclose(bilinear_mixing(tm, ta).numpy(), bilinear_mixing(M, A))


def test_abundance_generators_are_on_the_simplex():
    rng = np.random.default_rng(1)
    assert_simplex(dirichlet_abundances(500, 5, 0.5, rng))
    sm = smooth_abundances((30, 20), 4, rng, sigma=3.0)
    assert sm.shape == (30, 20, 4)
    assert_simplex(sm)
    # spatially correlated: neighbours are much closer than random pixel pairs
    assert np.abs(np.diff(sm, axis=0)).mean() < 0.5 * np.abs(sm - sm[::-1, ::-1]).mean()


@pytest.mark.parametrize("snr", [5.0, 20.0, 35.0])
def test_noise_hits_requested_snr(snr):
    rng = np.random.default_rng(2)
    clean = rng.uniform(0, 0.5, (30, 20, 50)).astype(np.float32)
    noisy, sigma = add_noise_snr(clean, snr, rng)
    assert sigma > 0 and noisy.dtype == np.float32
    assert abs(measure_snr_db(clean, noisy) - snr) < 0.5
    weight = gaussian_modulation((30, 20), rng)
    noisy_w, _ = add_noise_snr(clean, snr, rng, weight=weight)
    assert abs(measure_snr_db(clean, noisy_w) - snr) < 0.5
    same, s0 = add_noise_snr(clean, None, rng)
    assert s0 == 0 and np.array_equal(same, clean)


def test_gaussian_modulation_range():
    g = gaussian_modulation((40, 50), np.random.default_rng(3), n_gaussians=3)
    assert g.shape == (40, 50) and g.max() == pytest.approx(1.0) and g.min() > 0


def test_procedural_spectra_are_plausible():
    wl = np.linspace(400, 2500, 211)
    for name in PRESETS:
        r = material_spectrum(name, wl)
        assert r.shape == wl.shape and np.isfinite(r).all() and r.min() >= 0 and r.max() <= 1, name
    veg = material_spectrum("grass", wl)
    at = lambda nm: veg[np.argmin(np.abs(wl - nm))]  # noqa: E731
    assert at(550) > at(670) and at(800) > 3 * at(670)  # green peak, red edge
    assert at(1450) < 0.6 * at(1650) and at(1940) < 0.5 * at(2200)  # leaf-water bands
    assert material_spectrum("water_clear", wl)[wl > 900].max() < 0.02
    jit = material_spectrum("soil", wl, np.random.default_rng(0), jitter=0.1)
    assert not np.allclose(jit, material_spectrum("soil", wl))


# ---------------------------------------------------------------------- paper C
def test_paper_c_default_recipe(lib):
    s = make_paper_c_scene(library_path=USGS)
    assert s.name == "synthetic-c" and s.simulated
    assert s.cube.shape == (100, 100, 224) and s.cube.dtype == np.float32
    np.testing.assert_allclose(s.wavelengths, lib.wavelengths_nm)
    assert s.abundances.shape == (100, 100, 4) and s.endmembers.shape == (224, 4)
    assert_simplex(s.abundances)
    np.testing.assert_array_equal(s.labels, s.abundances.argmax(axis=2) + 1)
    assert s.class_names == s.endmember_names == [lib.names[i] for i in s.meta["library_indices"]]
    opts = s.meta["options"]
    assert opts["size"] == 100 and opts["n_endmembers"] == 4 and opts["snr_db"] == 20
    assert opts["mixing"] == "pnmm" and opts["modulation"] and opts["patch"] == 10
    assert opts["spatial"] == "iid" and opts["concentration"] == 1.0
    # patch labels = mean abundances of the 10 x 10 tiles (independent loop)
    pa = s.meta["patch_abundances"]
    assert pa.shape == (10, 10, 4)
    for i in range(10):
        for j in range(10):
            tile = s.abundances[10 * i : 10 * i + 10, 10 * j : 10 * j + 10].reshape(-1, 4)
            np.testing.assert_allclose(pa[i, j], tile.mean(axis=0), atol=1e-6)
    # SNR of the final cube against its noise-free twin (same seed, noise switched off)
    clean = make_paper_c_scene(snr_db=None, library_path=USGS)
    np.testing.assert_array_equal(clean.abundances, s.abundances)
    assert abs(measure_snr_db(clean.cube, s.cube) - 20.0) < 0.5


def test_paper_c_pnmm_on_pixels_and_modulation(lib):
    flat = make_paper_c_scene(snr_db=None, modulation=False, seed=4, library_path=USGS)
    mod = make_paper_c_scene(snr_db=None, modulation=True, seed=4, library_path=USGS)
    M = lib.spectra[flat.meta["library_indices"]].T  # (224, 4) straight from the library
    g = mod.meta["modulation_map"]
    assert g.max() == pytest.approx(1.0) and g.min() < 1.0
    for r, c in [(0, 0), (17, 83), (50, 50), (99, 3)]:
        a = flat.abundances[r, c].astype(np.float64)
        y = M @ a
        np.testing.assert_allclose(flat.cube[r, c], y + y * y, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(mod.cube[r, c], g[r, c] * (y + y * y), rtol=1e-5, atol=1e-6)


def test_paper_c_options_and_seeds():
    s = make_paper_c_scene(size=40, n_endmembers=3, patch=8, mixing="linear", spatial="smooth",
                           snr_db=30, seed=1, library_path=USGS)  # fmt: skip
    assert s.cube.shape == (40, 40, 224) and s.abundances.shape == (40, 40, 3)
    assert s.meta["patch_abundances"].shape == (5, 5, 3)
    assert s.meta["mixing"] == "linear" and s.meta["spatial"] == "smooth"
    assert_simplex(s.abundances)
    assert s.meta["patch_abundances"].std(axis=(0, 1)).min() > 0.05  # spatial structure
    again = make_paper_c_scene(size=40, n_endmembers=3, patch=8, mixing="linear",
                               spatial="smooth", snr_db=30, seed=1, library_path=USGS)  # fmt: skip
    np.testing.assert_array_equal(s.cube, again.cube)
    other = make_paper_c_scene(size=40, n_endmembers=3, patch=8, seed=2, library_path=USGS)
    assert not np.array_equal(other.cube, s.cube)
    bil = make_paper_c_scene(size=20, patch=10, mixing="bilinear", snr_db=None, modulation=False,
                             library_path=USGS)  # fmt: skip
    np.testing.assert_allclose(
        bil.cube,
        bilinear_mixing(bil.endmembers.astype(np.float64), bil.abundances.astype(np.float64)),
        rtol=1e-5,
    )
    with pytest.raises(PatchSizeError):
        make_paper_c_scene(size=45, patch=10, library_path=USGS)
    with pytest.raises(UnknownNameError):
        make_paper_c_scene(size=20, mixing="quadratic", library_path=USGS)
    with pytest.raises(PatchSizeError):
        patch_mean_abundances(np.ones((10, 10, 2)), 3)


# ---------------------------------------------------------------------- demo
def test_demo_scene_is_fast_deterministic_and_valid():
    make_demo_scene(seed=5, height=16, width=16, n_bands=10)  # warm caches
    t0 = time.perf_counter()
    s = make_demo_scene(seed=0)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0, f"demo scene took {elapsed:.2f} s"
    assert s.name == "demo" and s.simulated and s.cube.shape == (96, 96, 120)
    assert s.wavelengths[0] == pytest.approx(400) and s.wavelengths[-1] == pytest.approx(2500)
    assert not ((s.wavelengths > 1345) & (s.wavelengths < 1455)).any()  # water window removed
    assert set(np.unique(s.labels)) == set(range(s.n_classes + 1))  # background + every class
    assert min(s.class_counts().values()) > 200
    assert_simplex(s.abundances)
    assert np.array_equal(make_demo_scene(seed=0).cube, s.cube)
    assert not np.array_equal(make_demo_scene(seed=1).cube, s.cube)


# ---------------------------------------------------------------------- stand-ins
def test_every_listed_class_has_a_table_recipe():
    for scene, names in SCENE_CLASSES.items():
        for name in names:
            assert recipe_for(scene, name)[1] == "table", (scene, name)
    assert recipe_for("paviaU", "SELF-BLOCKING BRICKS")[1] == "table"
    assert recipe_for("salinas", "Vinyard_untrained")[1] == "table"
    assert recipe_for("nowhere", "Oil palm plantation")[1].startswith("keyword")
    assert parse_recipe("2 soil + grass") == {"soil": 2 / 3, "grass": 1 / 3}
    # all materials in all recipes resolve
    for table in RECIPES.values():
        for rec in [table["background"], *table["classes"].values()]:
            for mat in parse_recipe(rec):
                assert mat.startswith("usgs:") or mat in PRESETS, mat


@pytest.mark.parametrize("scene", list(SCENE_CLASSES))
def test_standins_build_for_every_scene(scene, lib):
    names = SCENE_CLASSES[scene]
    labels = block_labels(40, 30, len(names), seed=len(names))
    split = {
        "train": np.where(labels % 2 == 1, labels, 0),
        "test": np.where(labels % 2 == 0, labels, 0),
    }
    s = make_standin(scene, labels, split, names, SCENE_WL[scene], seed=3, library=lib)
    assert s.name == f"{scene}-sim" and s.simulated
    assert s.cube.shape == (40, 30, SCENE_WL[scene].size) and s.cube.dtype == np.float32
    np.testing.assert_array_equal(s.labels, labels)
    for k in split:
        np.testing.assert_array_equal(s.split_maps[k], split[k])
    assert s.class_names == names
    assert_simplex(s.abundances)
    assert s.endmembers.shape == (SCENE_WL[scene].size, s.abundances.shape[2])
    assert np.isfinite(s.cube).all()


def test_standin_seeds_and_clean_limit(lib):
    names = SCENE_CLASSES["paviaU"]
    labels = block_labels()
    a = make_standin("paviaU", labels, {}, names, WL_ROSIS, seed=0, library=lib)
    b = make_standin("paviaU", labels, {}, names, WL_ROSIS, seed=0, library=lib)
    c = make_standin("paviaU", labels, {}, names, WL_ROSIS, seed=1, library=lib)
    np.testing.assert_array_equal(a.cube, b.cube)
    assert not np.array_equal(a.cube, c.cube)
    # difficulty 0: no noise, illumination or shift -> exactly linear in the abundances
    z = make_standin("paviaU", labels, {}, names, WL_ROSIS, difficulty=0.0, seed=0, library=lib)
    np.testing.assert_allclose(z.cube, z.abundances @ z.endmembers.T, rtol=1e-5, atol=1e-6)
    # pure interior pixels of a class block carry exactly that class's recipe signature
    inner = (labels == 2) & (np.roll(labels, 3, 0) == 2) & (np.roll(labels, -3, 0) == 2)
    inner &= (np.roll(labels, 3, 1) == 2) & (np.roll(labels, -3, 1) == 2)
    np.testing.assert_allclose(
        z.cube[inner],
        np.broadcast_to(z.meta["class_signatures"][1], z.cube[inner].shape),
        rtol=1e-4,
        atol=1e-5,
    )


def test_standin_noise_snr(lib):
    labels = block_labels()
    recipes = [parse_recipe(recipe_for("paviaU", n)[0]) for n in SCENE_CLASSES["paviaU"]]
    bg = parse_recipe(RECIPES["paviaU"]["background"])
    var = Variability.from_difficulty(1.0)
    noisy = render_labelled_scene(labels, recipes, bg, WL_ROSIS, var, 7, lib)
    clean = render_labelled_scene(
        labels, recipes, bg, WL_ROSIS, Variability.from_difficulty(1.0, snr_db=None), 7, lib
    )
    np.testing.assert_array_equal(noisy.abundances, clean.abundances)
    assert abs(measure_snr_db(clean.cube, noisy.cube) - var.snr_db) < 0.5
    assert Variability.from_difficulty(2.0).snr_db == pytest.approx(var.snr_db - 6.02, abs=0.01)


def test_similar_classes_get_close_signatures(lib):
    labels = block_labels(40, 30, 16)
    s = make_standin(
        "salinas",
        labels,
        {},
        SCENE_CLASSES["salinas"],
        SCENE_WL["salinas"],
        difficulty=0.0,
        library=lib,
    )
    sig = s.meta["class_signatures"]
    d = lambda i, j: np.sqrt(np.mean((sig[i] - sig[j]) ** 2))  # noqa: E731
    names = SCENE_CLASSES["salinas"]
    l4, l5, l7 = (names.index(f"Lettuce romaine {k}wk") for k in (4, 5, 7))
    grapes, vine = names.index("Grapes untrained"), names.index("Vineyard untrained")
    celery = names.index("Celery")
    assert d(l4, l5) < d(l4, l7)  # growth stages are ordered
    assert d(grapes, vine) < 0.5 * d(grapes, celery)


def test_standin_on_real_paviaU_labels(lib):
    path = DATA / "paviaU" / "PaviaU_gt.mat"
    assert path.is_file(), f"PaviaU label map missing at {path}; set HSINB_DATA to the data folder"
    from scipy.io import loadmat

    gt = loadmat(str(path))["paviaU_gt"][200:320, 100:200]  # a 120 x 100 window, fast
    s = make_standin("paviaU", gt, {}, SCENE_CLASSES["paviaU"], WL_ROSIS, seed=0, library=lib)
    np.testing.assert_array_equal(s.labels, gt)
    assert s.cube.shape == (120, 100, 103)
    # PaviaU's recipes are procedural materials only; the record says so
    assert s.meta["library"].startswith("not used")
    ksc = make_standin("ksc", gt[:40, :30], {}, SCENE_CLASSES["ksc"], SCENE_WL["ksc"], library=lib)
    assert ksc.meta["library"].endswith("USGS_1995_Library.mat")


@pytest.mark.parametrize("name", STANDIN_SCENES)
def test_registered_standins_keep_real_maps_and_sensor_grids(name):
    """Through load_scene: the real label map and splits, the sensor's bands, a -sim name."""
    s = load_scene(f"{name}-sim", difficulty=1.0)
    labels, splits = load_label_maps(name)
    spec = get_spec(name)
    np.testing.assert_array_equal(s.labels, labels)
    assert set(s.split_maps) == set(splits)
    assert s.shape == spec.shape and s.simulated and s.name == f"{name}-sim"
    np.testing.assert_allclose(s.wavelengths, spec.wavelengths())
    lo, hi = {"ROSIS": (430, 860), "AVIRIS": (400, 2500), "Hyperion": (400, 2500), "CASI-1500": (380, 1050)}[spec.sensor]
    assert lo - 50 <= s.wavelengths[0] and s.wavelengths[-1] <= hi + 10
    assert "sim" in s.display_name


def test_standin_renders_pixels_only_a_split_map_labels():
    """PaviaU's fixed training map labels pixels the ground truth leaves at 0: the stand-in
    must give them their class's spectra (else official-split training labels are wrong)."""
    s = load_scene("paviaU-sim", difficulty=1.0)
    train = s.split_maps["train"]
    extra = (s.labels == 0) & (train > 0)
    assert extra.sum() == 1147
    background = s.cube[(s.labels == 0) & (train == 0)].mean(0)
    for c in np.unique(train[extra]):
        mean_extra = s.cube[extra & (train == c)].mean(0)
        mean_class = s.cube[s.labels == c].mean(0)
        # border mixing and smooth variability move them a little, background is far away
        assert np.linalg.norm(mean_extra - mean_class) < np.linalg.norm(mean_extra - background), c


def test_demo_scene_is_not_trivially_separable():
    from sklearn.linear_model import LogisticRegression

    from hsinb.splits import few_shot_split

    s = load_scene("demo")
    split = few_shot_split(s.labels, 5, seed=0)
    x = s.cube.reshape(-1, s.n_bands)
    clf = LogisticRegression(max_iter=500).fit(x[split.train], split.targets(s.labels, "train"))
    oa = (clf.predict(x[split.test]) == split.targets(s.labels, "test")).mean()
    assert 0.5 < oa < 0.95
