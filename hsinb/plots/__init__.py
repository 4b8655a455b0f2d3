"""Figures and interactive explorers.

* :mod:`~hsinb.plots.colour`: band choice and percentile stretches for display; the
  statistics figures show come from :mod:`hsinb.analysis.stats`.
* :mod:`~hsinb.plots.scene_plots`: one scene: false colour, label map, class spectra,
  band statistics, label counts, abundance maps.
* :mod:`~hsinb.plots.explorer`: :func:`scene_explorer`, an ipywidgets pixel/class explorer
  that also returns a static figure for non-interactive runs.
* :mod:`~hsinb.plots.training_plots`: learning curves, embeddings, classification maps.
* :mod:`~hsinb.plots.regression_plots`: abundance tile maps and predicted-vs-true scatter (method C).
* :mod:`~hsinb.plots.cross_domain_plots`: method B: the regions of a pre-training iteration,
  the pre-training loss against its floor, the embedding by scene and by class.
* :mod:`~hsinb.plots.ablation_plots`: the augmentation pair-matrix heatmap (paper A, Fig. 2).
* :mod:`~hsinb.plots.spectra`: curves broken where bands were removed (water absorption).
* :mod:`~hsinb.plots.save`: :func:`save_figures`, a run's figures as PNG files.

Every figure's title carries ``scene.display_name`` (simulated scenes say so).
"""

from .ablation_plots import pair_matrix_heatmap
from .colour import central_window, percentile_stretch
from .cross_domain_plots import embedding_by_scene_and_class, pretrain_loss, region_draws
from .explorer import explorer_figure, explorer_widget, scene_explorer
from .regression_plots import prediction_scatter, prediction_scatter_grid, tile_abundance_maps
from .save import save_figures
from .scene_plots import (
    CLASS_PALETTE,
    abundance_maps,
    band_statistics,
    class_cmap,
    class_colours,
    class_spectra,
    false_colour,
    label_counts,
    label_map,
    spectral_axis,
)
from .simulator_plots import paper_c_overview, standin_overview
from .training_plots import (
    budget_curve_figure,
    classification_maps,
    embedding_plot,
    learning_curves,
    pca_2d,
)

__all__ = [
    "embedding_by_scene_and_class", "pretrain_loss",
    "prediction_scatter", "prediction_scatter_grid", "tile_abundance_maps", "save_figures",
    "pair_matrix_heatmap", "region_draws", "budget_curve_figure",
    "CLASS_PALETTE", "abundance_maps", "band_statistics", "central_window",
    "class_cmap", "class_colours", "class_spectra",
    "explorer_figure", "explorer_widget", "false_colour", "label_counts", "label_map",
    "percentile_stretch", "scene_explorer", "spectral_axis", "standin_overview", "paper_c_overview",
    # training_plots
    "classification_maps", "embedding_plot", "learning_curves", "pca_2d",
]  # fmt: skip

from .augment_plots import pair_views_figure as pair_views_figure  # noqa: E402
from .augment_plots import showcase_patches as showcase_patches  # noqa: E402
from .augment_plots import transform_gallery as transform_gallery  # noqa: E402
from .augment_plots import transform_names as transform_names  # noqa: E402
from .augment_plots import value_label as value_label  # noqa: E402
from .augment_widgets import transform_explorer as transform_explorer  # noqa: E402
