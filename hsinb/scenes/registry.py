"""The registry of known scenes: file names, variable names, shapes, classes, sensors.

Each :class:`SceneSpec` says which files a scene has and how to read them; each file's source
and checksum are one :class:`SourceFile` record in :data:`FILES`, so that a moved link is a
one-line change. Files are identified by
their path relative to a data folder (``"paviaU/PaviaU.mat"``), the same layout as the
project's shared data folder and the per-user cache.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..errors import UnknownSceneError
from . import sensors

GIC = "http://www.ehu.eus/ccwintco/uploads/"
GITHUB_RAW = "https://raw.githubusercontent.com/"

#: repositories (owner/name, commit) whose raw files at that commit are the pinned copies
OT_AD = ("jiojio0505/OT-AD", "dd4a58097fc6b42c8d2eb6674bce8865cd39723a")
HSI_DATASETS = ("mhaut/HSI-datasets", "29efb503bdde94f620ba3873d3a56039fef18257")
HYBRIDSN = ("gokriznastic/HybridSN", "8e9fd37cdcbff5f9717433cddb83f5215f9ec54e")
SC_SSC = ("carlosh93/SC-SSC", "2cd679282f85aa0bc87b1aed9ac683b60cc97734")
HSI_DATASETS_UNMIXING = ("mhaut/HSI-datasets", "6e351f13603d4ac76ef4e40811c072d5329ccb63")
MUA = ("ricardoborsoi/MUA_SparseUnmixing", "089f5d61162807a5304759e293b132ed9d0d6ab4")


def raw_at(repo: tuple[str, str], path: str) -> str:
    """The raw URL of ``path`` in ``repo`` = (owner/name, commit) at that exact commit."""
    return f"{GITHUB_RAW}{repo[0]}/{repo[1]}/{path}"


@dataclass(frozen=True)
class SourceFile:
    """Where one data file comes from and how it is verified.

    ``path`` is relative to a data folder (``"paviaU/PaviaU.mat"``). ``url`` is the canonical
    public source (``{0..9}``: a file redistributed in parts, joined in order); ``pinned`` an
    exact copy (a raw file at a fixed commit) whose bytes match ``sha256`` and which a download
    prefers; ``git_blob`` the git blob id (SHA-1 of ``b"blob <size>\\0" + content``) where
    only that is known (the canonical GIC cubes).
    """

    path: str
    url: str | None = None
    pinned: str | None = None
    sha256: str | None = None
    git_blob: str | None = None

    @property
    def source(self) -> str | None:
        """Where a download takes it from: the pinned copy, else the canonical URL."""
        return self.pinned or self.url


#: every known data file, one record each (edit here when a link moves). The shared data
#: folder's MANIFEST.tsv files all have a sha256 and a pinned source.
FILES: dict[str, SourceFile] = {f.path: f for f in [
    SourceFile("paviaU/PaviaU.mat", url=GIC + "e/ee/PaviaU.mat", git_blob="6eecc933bedec1130bb046483dd12e25cf091b24"),
    SourceFile("paviaU/PaviaU_gt.mat",
               url=GIC + "5/50/PaviaU_gt.mat",
               pinned=raw_at(HYBRIDSN, "data/PaviaU_gt.mat"),
               sha256="23f6a426928f9b32984adffe659e29f554f9fb6c93b5a107528d308d5087a829"),
    SourceFile("paviaU/TRpavia_fixed.mat",
               url=GITHUB_RAW + "mhaut/HSI-datasets/master/Classification/TRpavia_fixed.mat",
               pinned=raw_at(HSI_DATASETS, "Classification/TRpavia_fixed.mat"),
               sha256="9eb125761f65b562f4b33c48af45131c9bdf26cb5eaa50cecf744873033a063b"),
    SourceFile("paviaU/TSpavia_fixed.mat",
               url=GITHUB_RAW + "mhaut/HSI-datasets/master/Classification/TSpavia_fixed.mat",
               pinned=raw_at(HSI_DATASETS, "Classification/TSpavia_fixed.mat"),
               sha256="da9aa60e63079f2743fe9c435e00ed88a7fb2d7171c8cce7a18a6d2faab12e4e"),
    SourceFile("pavia_centre/Pavia.mat", url=GIC + "e/e3/Pavia.mat"),
    SourceFile("pavia_centre/paviaC_gt.mat",
               url=GIC + "5/53/Pavia_gt.mat",
               pinned=raw_at(HSI_DATASETS, "Classification/paviaC_gt.mat"),
               sha256="7eb54ab81b404dd3ae572e6d0ec211595029e5a847bec2cfb8f9e72d07066b69"),
    SourceFile("indian_pines/Indian_pines_corrected.mat",
               url=GIC + "6/67/Indian_pines_corrected.mat",
               git_blob="75b6d6e7df046fce91eda23e7559e274c92da711"),
    SourceFile("indian_pines/Indian_pines_gt.mat",
               url=GIC + "c/c4/Indian_pines_gt.mat",
               pinned=raw_at(HYBRIDSN, "data/Indian_pines_gt.mat"),
               sha256="65c4687a8ab04f6da4789799bc3bc4f6e88bccac3ed6a2e6ae367e5e6b9e429c"),
    SourceFile("indian_pines/indianpines_disjoint_dset.mat",
               url=GITHUB_RAW + "mhaut/HSI-datasets/master/Classification/indianpines_disjoint_dset.mat",
               pinned=raw_at(HSI_DATASETS, "Classification/indianpines_disjoint_dset.mat"),
               sha256="430c37ce56a160d410378aa136e5e696e2436e2fe03e275f306c3502f622e77b"),
    SourceFile("salinas/Salinas_corrected.mat",
               url=GIC + "a/a3/Salinas_corrected.mat",
               git_blob="2a745377a77369bd5a9d430c722f0bf5e0d0ffc1"),
    SourceFile("salinas/Salinas_gt.mat",
               url=GIC + "f/fa/Salinas_gt.mat",
               pinned=raw_at(HYBRIDSN, "data/Salinas_gt.mat"),
               sha256="ecfab4d31ef5553f097943235d8ea502038eb4a2067b2ad10b33e37c949955e2"),
    SourceFile("salinas_a/SalinasA_corrected.mat",
               url=GIC + "1/1a/SalinasA_corrected.mat",
               pinned=raw_at(SC_SSC, "Data/Full_Datasets/SalinasA_corrected.mat"),
               sha256="d75684ed3ab71a1024cee0f9db9061f50a3523a92ff5edfbbb1eed976b9f1721"),
    SourceFile("salinas_a/SalinasA_gt.mat",
               url=GIC + "a/aa/SalinasA_gt.mat",
               pinned=raw_at(SC_SSC, "Data/Full_Datasets/SalinasA_gt.mat"),
               sha256="17814c1d3296c0e29b27f320f2c4174d2a68adb87e376abe78f02923e2c2e454"),
    SourceFile("ksc/KSC.mat", url=GIC + "2/26/KSC.mat"),
    SourceFile("ksc/KSC_gt.mat",
               url=GIC + "a/a6/KSC_gt.mat",
               pinned=raw_at(HSI_DATASETS, "Classification/KSC_gt.mat"),
               sha256="a1d6ab9293691006bd4d9742d1a1e1c141b1aaa5fbc5fa128b33c1d09038510b"),
    SourceFile("botswana/Botswana.mat",
               url=GIC + "7/72/Botswana.mat",
               git_blob="814248225b1210f46017a2420c3410d7fe2cf8e6"),
    SourceFile("botswana/Botswana_gt.mat",
               url=GIC + "5/58/Botswana_gt.mat",
               pinned=raw_at(HSI_DATASETS, "Classification/Botswana_gt.mat"),
               sha256="668394905e10e629c16584bfd02b0f533b96d6ba18a63274a94ff3a77126a887"),
    SourceFile("houston2013/houston.mat",
               url=GITHUB_RAW + "mhaut/HSI-datasets/master/Classification/dsetbyparts/houston_part.{0..9}"),
    SourceFile("houston2013/houston_gt.mat",
               url=GITHUB_RAW + "mhaut/HSI-datasets/master/Classification/houston_gt.mat",
               pinned=raw_at(HSI_DATASETS, "Classification/houston_gt.mat"),
               sha256="ebe2438dcc6526bcbb63b5b98009f88de2b8c4a40b5d4c2b2bcd91808aa4e76f"),
    SourceFile("samson/samson_1.mat",
               url=GITHUB_RAW + "ricardoborsoi/MUA_SparseUnmixing/master/real_data/samson_1.mat",
               pinned=raw_at(MUA, "real_data/samson_1.mat"),
               sha256="1ebacaf7cd32bfc31c0ee3fd56c63a7f29a434893a8b45705fb59cd8a0c8beb6"),
    SourceFile("samson/_EndSamson.mat",
               url=GITHUB_RAW + "mhaut/HSI-datasets/master/Unmixing/_EndSamson.mat",
               pinned=raw_at(HSI_DATASETS_UNMIXING, "Unmixing/_EndSamson.mat"),
               sha256="ce768182ce5292390180f827ff5769112cf3d299f4e64ab43e950a310b7ec9fa"),
    SourceFile("usgs_library/USGS_1995_Library.mat",
               url=GITHUB_RAW + "ricardoborsoi/MUA_SparseUnmixing/master/USGS_1995_Library.mat",
               pinned=raw_at(MUA, "USGS_1995_Library.mat"),
               sha256="fe2be84e4da2abf6ab00091b36f30a1a8dd247d18a78146f61235c8b5229da63"),
    SourceFile("abu/abu-airport-1.mat",
               pinned=raw_at(OT_AD, "data/abu-airport-1.mat"),
               sha256="5de3c0b74593552e21e88ee280d02c4acae60bd48a013d72bd28ef63815485f5"),
    SourceFile("abu/abu-airport-2.mat",
               pinned=raw_at(OT_AD, "data/abu-airport-2.mat"),
               sha256="7121476e700001e76191d6ee6bc6f2d5f680c0fe49186b61a57f10fcac7718b9"),
    SourceFile("abu/abu-airport-3.mat",
               pinned=raw_at(OT_AD, "data/abu-airport-3.mat"),
               sha256="97b574be2de8c1ae3158b60b4aa34676c59a218398fc096c0dcdf125a6c74495"),
    SourceFile("abu/abu-airport-4.mat",
               pinned=raw_at(OT_AD, "data/abu-airport-4.mat"),
               sha256="c10cb987f0a75ad5834da2be35e2cfe740660fd9094521dd6d047de535a2a72b"),
    SourceFile("abu/abu-beach-1.mat",
               pinned=raw_at(OT_AD, "data/abu-beach-1.mat"),
               sha256="b1fa88474fbc06f2e654e4452d8f7f98757c199197e2b7fec1977a5c5753fcb0"),
    SourceFile("abu/abu-beach-2.mat",
               pinned=raw_at(OT_AD, "data/abu-beach-2.mat"),
               sha256="3ec5f0c5c36b2f98a41f9d9e69946e9f3e6fdbeee0f42b3e402485a4efd9bb80"),
    SourceFile("abu/abu-beach-3.mat",
               pinned=raw_at(OT_AD, "data/abu-beach-3.mat"),
               sha256="56622ebe89aa1a37aced4b41286eb0a045677553f637c63f90c8222f1027f576"),
    SourceFile("abu/abu-urban-1.mat",
               pinned=raw_at(OT_AD, "data/abu-urban-1.mat"),
               sha256="951d8d9c405d7ae200634dfd5244586545c01a561b1028f0e65e09e562523942"),
    SourceFile("abu/abu-urban-2.mat",
               pinned=raw_at(OT_AD, "data/abu-urban-2.mat"),
               sha256="ed900cbde844582dd51943f920eac47c3a4e7f4cf3e0ae7612fdfb80b7ee7807"),
    SourceFile("abu/abu-urban-3.mat",
               pinned=raw_at(OT_AD, "data/abu-urban-3.mat"),
               sha256="a4e4ef3c512b72510f5852300a5050e9e544f80abb021d79ee04921c2070598b"),
    SourceFile("abu/abu-urban-4.mat",
               pinned=raw_at(OT_AD, "data/abu-urban-4.mat"),
               sha256="6d6b81c9688f883a9ca59ff99ebc8053c5be1a14099960c460ba420d8507e676"),
    SourceFile("abu/abu-urban-5.mat",
               pinned=raw_at(OT_AD, "data/abu-urban-5.mat"),
               sha256="16a50cfca9d6c4783adfd663e9d1e5e948ddaad950912b58577a604c86eb64c5"),
    SourceFile("hydice_urban/hydice.mat",
               pinned=raw_at(OT_AD, "data/hydice.mat"),
               sha256="095875682b1f5da092c64ebf4b40493d4d9071aa6a7856c8821cc986051422c7"),
    SourceFile("indian_pines_subset/Indian_subset.mat",
               pinned=raw_at(SC_SSC, "Data/ROI/Indian_subset.mat"),
               sha256="de9887fc4e91a776fcf4398f0699ad2dedd2f2f9b510266d21c812c3802721c7"),
    SourceFile("san_diego/sandiego.mat",
               pinned=raw_at(OT_AD, "data/sandiego.mat"),
               sha256="6830b031438366acbcf3d20f35a5589f969783471a6fd987b792954c51283b01"),
]}

SALINAS_CLASSES = [
    "Brocoli green weeds 1", "Brocoli green weeds 2", "Fallow", "Fallow rough plow",
    "Fallow smooth", "Stubble", "Celery", "Grapes untrained", "Soil vineyard develop",
    "Corn senesced green weeds", "Lettuce romaine 4wk", "Lettuce romaine 5wk",
    "Lettuce romaine 6wk", "Lettuce romaine 7wk", "Vineyard untrained",
    "Vineyard vertical trellis",
]  # fmt: skip
INDIAN_PINES_CLASSES = [
    "Alfalfa", "Corn-notill", "Corn-mintill", "Corn", "Grass-pasture", "Grass-trees",
    "Grass-pasture-mowed", "Hay-windrowed", "Oats", "Soybean-notill", "Soybean-mintill",
    "Soybean-clean", "Wheat", "Woods", "Buildings-Grass-Trees-Drives", "Stone-Steel-Towers",
]  # fmt: skip


@dataclass(frozen=True)
class SceneSpec:
    """How to find and read one registered scene.

    ``kind`` selects the reader: ``"cube"`` (a cube variable + label variable),
    ``"samson"`` (bands×pixels matrix + reference abundances), ``"anomaly"`` (a cube with a
    binary target mask, no land-cover labels).
    """

    name: str
    sensor: str
    shape: tuple[int, int, int]
    class_names: tuple[str, ...]
    cube_file: str
    cube_var: str
    labels_file: str | None = None
    labels_var: str | None = None
    #: label ids as stored in the file, in class order (when not 1..C); remapped to 1..C
    label_ids: tuple[int, ...] | None = None
    #: official split maps: key -> (file, variable)
    splits: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: split maps whose class ids differ from the label map's: key -> id in the label map
    #: of each id in the split map (index = split-map id)
    split_label_ids: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: label maps that together make the full ground truth (Houston: train + test)
    labels_sum_of: tuple[str, ...] = ()
    wavelength_fn: Callable[[], np.ndarray] | None = None
    wavelength_note: str = ""
    rgb_bands: tuple[int, int, int] | None = None
    units: str = "reflectance"
    kind: str = "cube"
    gsd_m: float | None = None
    #: files needed besides the cube (labels, splits, references)
    extra_files: tuple[str, ...] = ()
    description: str = ""

    @property
    def files(self) -> tuple[str, ...]:
        """Every relative path this scene reads."""
        out = [self.cube_file]
        if self.labels_file:
            out.append(self.labels_file)
        out.extend(f for f, _ in self.splits.values())
        out.extend(self.extra_files)
        return tuple(dict.fromkeys(out))

    @property
    def label_files(self) -> tuple[str, ...]:
        """The files needed for the label map and split maps (not the cube)."""
        out = [self.labels_file] if self.labels_file else []
        out.extend(f for f, _ in self.splits.values())
        return tuple(dict.fromkeys(out))

    def wavelengths(self) -> np.ndarray | None:
        """Band centres in nm, or None where not known."""
        return None if self.wavelength_fn is None else self.wavelength_fn()

    def default_rgb(self) -> tuple[int, int, int]:
        """Band indices for a false-colour composite."""
        return self.rgb_bands or sensors.rgb_from_wavelengths(self.wavelengths(), self.shape[2])


def _abu(name: str, bands: int, size: int = 100) -> SceneSpec:
    return SceneSpec(
        name=name,
        sensor="AVIRIS",
        shape=(size, size, bands),
        class_names=(),
        cube_file=f"abu/{name}.mat",
        cube_var="data",
        units="sensor counts",
        kind="anomaly",
        description="ABU anomaly-detection crop; its 'map' is a binary target mask, not land cover.",
    )


_SPECS: list[SceneSpec] = [
    SceneSpec(
        name="paviaU",
        sensor="ROSIS",
        shape=(610, 340, 103),
        class_names=("Asphalt", "Meadows", "Gravel", "Trees", "Painted metal sheets",
                     "Bare soil", "Bitumen", "Self-blocking bricks", "Shadows"),
        cube_file="paviaU/PaviaU.mat",
        cube_var="paviaU",
        labels_file="paviaU/PaviaU_gt.mat",
        labels_var="paviaU_gt",
        splits={"train": ("paviaU/TRpavia_fixed.mat", "TRpavia_fixed"),
                "test": ("paviaU/TSpavia_fixed.mat", "TSpavia_fixed")},
        wavelength_fn=lambda: sensors.linear_grid(430, 860, 103),
        rgb_bands=(53, 31, 7),
        gsd_m=1.3,
        units="reflectance x 10^4 (integer counts)",
    ),
    SceneSpec(
        name="pavia_centre",
        sensor="ROSIS",
        shape=(1096, 715, 102),
        class_names=("Water", "Trees", "Asphalt", "Self-blocking bricks", "Bitumen", "Tiles",
                     "Shadows", "Meadows", "Bare soil"),
        cube_file="pavia_centre/Pavia.mat",
        cube_var="pavia",
        labels_file="pavia_centre/paviaC_gt.mat",
        labels_var="pavia_gt",
        wavelength_fn=lambda: sensors.linear_grid(430, 860, 102),
        rgb_bands=(53, 31, 7),
        gsd_m=1.3,
        units="reflectance x 10^4 (integer counts)",
    ),
    SceneSpec(
        name="indian_pines",
        sensor="AVIRIS",
        shape=(145, 145, 200),
        class_names=tuple(INDIAN_PINES_CLASSES),
        cube_file="indian_pines/Indian_pines_corrected.mat",
        cube_var="indian_pines_corrected",
        labels_file="indian_pines/Indian_pines_gt.mat",
        labels_var="indian_pines_gt",
        splits={"train_disjoint": ("indian_pines/indianpines_disjoint_dset.mat",
                                   "indianpines_disjoint_dset")},
        # the disjoint map numbers classes differently; this table was read off the overlap
        # with Indian_pines_gt (tests/test_scenes.py checks it)
        split_label_ids={"train_disjoint": (0, 2, 3, 5, 6, 8, 10, 11, 12, 14, 1, 4, 7, 9, 13, 15, 16)},
        wavelength_fn=sensors.indian_pines_grid,
        wavelength_note="nominal AVIRIS grid, water bands removed",
        rgb_bands=(43, 21, 11),
        gsd_m=20.0,
        units="radiance counts",
    ),
    SceneSpec(
        name="indian_pines_subset",
        sensor="AVIRIS",
        shape=(70, 70, 200),
        class_names=("Corn-notill", "Grass-trees", "Soybean-notill", "Soybean-mintill"),
        cube_file="indian_pines_subset/Indian_subset.mat",
        cube_var="Indian_subset",
        labels_file="indian_pines_subset/Indian_subset.mat",
        labels_var="gt",
        label_ids=(2, 6, 10, 11),
        wavelength_fn=sensors.indian_pines_grid,
        wavelength_note="nominal AVIRIS grid, water bands removed",
        rgb_bands=(43, 21, 11),
        gsd_m=20.0,
        units="radiance counts",
        description="REAL 70x70 crop of Indian Pines (rows 30:100, cols 25:95); not the full scene.",
    ),
    SceneSpec(
        name="salinas",
        sensor="AVIRIS",
        shape=(512, 217, 204),
        class_names=tuple(SALINAS_CLASSES),
        cube_file="salinas/Salinas_corrected.mat",
        cube_var="salinas_corrected",
        labels_file="salinas/Salinas_gt.mat",
        labels_var="salinas_gt",
        wavelength_fn=sensors.salinas_grid,
        wavelength_note="nominal AVIRIS grid, water bands removed",
        rgb_bands=(43, 21, 11),
        gsd_m=3.7,
        units="radiance counts",
    ),
    SceneSpec(
        name="salinas_a",
        sensor="AVIRIS",
        shape=(83, 86, 204),
        class_names=tuple(SALINAS_CLASSES[i - 1] for i in (1, 10, 11, 12, 13, 14)),
        cube_file="salinas_a/SalinasA_corrected.mat",
        cube_var="salinasA_corrected",
        labels_file="salinas_a/SalinasA_gt.mat",
        labels_var="salinasA_gt",
        label_ids=(1, 10, 11, 12, 13, 14),
        wavelength_fn=sensors.salinas_grid,
        wavelength_note="nominal AVIRIS grid, water bands removed",
        rgb_bands=(43, 21, 11),
        gsd_m=3.7,
        units="radiance counts",
        description="REAL 83x86 subscene of Salinas, 6 classes.",
    ),
    SceneSpec(
        name="ksc",
        sensor="AVIRIS",
        shape=(512, 614, 176),
        class_names=("Scrub", "Willow swamp", "Cabbage palm hammock", "Cabbage palm/oak hammock",
                     "Slash pine", "Oak/broadleaf hammock", "Hardwood swamp", "Graminoid marsh",
                     "Spartina marsh", "Cattail marsh", "Salt marsh", "Mud flats", "Water"),
        cube_file="ksc/KSC.mat",
        cube_var="KSC",
        labels_file="ksc/KSC_gt.mat",
        labels_var="KSC_gt",
        wavelength_fn=sensors.ksc_grid,
        wavelength_note="approximate: which 48 AVIRIS bands were removed is not published",
        rgb_bands=(28, 9, 10),
        gsd_m=18.0,
        units="reflectance (integer counts)",
    ),
    SceneSpec(
        name="botswana",
        sensor="Hyperion",
        shape=(1476, 256, 145),
        class_names=("Water", "Hippo grass", "Floodplain grasses 1", "Floodplain grasses 2",
                     "Reeds", "Riparian", "Firescar", "Island interior", "Acacia woodlands",
                     "Acacia shrublands", "Acacia grasslands", "Short mopane", "Mixed mopane",
                     "Exposed soils"),
        cube_file="botswana/Botswana.mat",
        cube_var="Botswana",
        labels_file="botswana/Botswana_gt.mat",
        labels_var="Botswana_gt",
        wavelength_fn=sensors.botswana_grid,
        wavelength_note="Hyperion nominal VNIR/SWIR formulas",
        rgb_bands=(75, 33, 15),
        gsd_m=30.0,
        units="radiance (integer counts)",
    ),
    SceneSpec(
        name="houston2013",
        sensor="CASI-1500",
        shape=(349, 1905, 144),
        class_names=("Healthy grass", "Stressed grass", "Synthetic grass", "Trees", "Soil",
                     "Water", "Residential", "Commercial", "Road", "Highway", "Railway",
                     "Parking lot 1", "Parking lot 2", "Tennis court", "Running track"),
        cube_file="houston2013/houston.mat",
        cube_var="houston",
        splits={"train": ("houston2013/houston_gt.mat", "houston_gt_tr"),
                "test": ("houston2013/houston_gt.mat", "houston_gt_te")},
        labels_sum_of=("train", "test"),
        wavelength_fn=lambda: sensors.linear_grid(380, 1050, 144),
        wavelength_note="nominal: 144 bands evenly over 380-1050 nm",
        rgb_bands=(59, 40, 23),
        gsd_m=2.5,
        units="radiance (integer counts)",
        description="GRSS DFC2013; labels = official train + test maps.",
    ),
    SceneSpec(
        name="samson",
        sensor="SAMSON",
        shape=(95, 95, 156),
        class_names=("Rock/soil", "Tree", "Water"),
        cube_file="samson/samson_1.mat",
        cube_var="V",
        extra_files=("samson/_EndSamson.mat",),
        wavelength_fn=lambda: sensors.linear_grid(401, 889, 156),
        kind="samson",
        units="reflectance in [0, 1]",
        description="REAL unmixing benchmark; classes = dominant endmember of the reference abundances.",
    ),
    *[_abu(f"abu-airport-{i}", b) for i, b in zip(range(1, 5), (205, 205, 205, 191))],
    *[_abu(f"abu-beach-{i}", b, s) for i, b, s in zip(range(1, 4), (188, 193, 188), (150, 100, 100))],
    *[_abu(f"abu-urban-{i}", b) for i, b in zip(range(1, 6), (204, 207, 191, 205, 205))],
    SceneSpec(
        name="san_diego",
        sensor="AVIRIS",
        shape=(100, 100, 189),
        class_names=(),
        cube_file="san_diego/sandiego.mat",
        cube_var="data",
        units="sensor counts",
        kind="anomaly",
        description="San Diego airport crop; 'map' marks 58 aeroplane pixels (anomalies).",
    ),
    SceneSpec(
        name="hydice_urban",
        sensor="HYDICE",
        shape=(80, 100, 162),
        class_names=(),
        cube_file="hydice_urban/hydice.mat",
        cube_var="data",
        units="sensor counts",
        kind="anomaly",
        description="HYDICE urban crop; 'map' marks 17 anomalous pixels.",
    ),
]

SCENES: dict[str, SceneSpec] = {s.name: s for s in _SPECS}

#: scenes whose cubes are too large to ship here and that have simulated stand-ins
STANDIN_SCENES = ("paviaU", "pavia_centre", "indian_pines", "salinas", "ksc", "botswana", "houston2013")

#: names served by the simulator (no file needed for demo / synthetic-c)
SIMULATED_SCENES = ("demo", "synthetic-c", *(f"{n}-sim" for n in STANDIN_SCENES))


def stands_in_for(name: str) -> str:
    """The real scene a simulated stand-in ``"<scene>-sim"`` stands in for (its label map
    and the paper's numbers); any other name is returned as it is."""
    return name[: -len("-sim")] if name.endswith("-sim") else name


def is_stand_in(name: str) -> bool:
    """Whether ``name`` is a simulated stand-in (``"<scene>-sim"``) of a real scene."""
    return name.endswith("-sim") and stands_in_for(name) in STANDIN_SCENES


def list_scenes() -> list[str]:
    """Every scene name that :func:`hsinb.load_scene` accepts."""
    return [*SCENES, *SIMULATED_SCENES]


def get_spec(name: str) -> SceneSpec:
    """The spec of a file-backed scene (for ``name-sim``: the real scene it stands in for)."""
    base = stands_in_for(name)
    if base in SCENES:
        return SCENES[base]
    close = difflib.get_close_matches(name, list_scenes(), n=3, cutoff=0.6)
    close += [n for n in list_scenes() if n.lower() == name.lower() and n not in close]
    hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise UnknownSceneError(
        f"unknown scene {name!r}.{hint} Known scenes: {', '.join(list_scenes())}. "
        "For your own file use hsinb.load_scene_file(path, cube_var=..., labels_var=...)."
    )
