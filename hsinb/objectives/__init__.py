"""Losses as pure functions of tensors (one method per file).

* :mod:`~hsinb.objectives.barlow_twins`: Barlow Twins (paper A).
* :mod:`~hsinb.objectives.contrastive`: multi-positive InfoNCE with positives by radius on
  regression targets (paper C) or by label / region id.
* :mod:`~hsinb.objectives.region_contrast`: paper B's eq. (1), InfoNCE summed over the pixels
  of each query's p×p region.
"""

from .barlow_twins import barlow_twins_loss, cross_correlation
from .contrastive import (
    contrastive_regression_loss,
    label_positive_mask,
    multi_positive_info_nce,
    radius_positive_mask,
)
from .region_contrast import region_info_nce

__all__ = ["barlow_twins_loss", "cross_correlation", "multi_positive_info_nce", "radius_positive_mask",
           "label_positive_mask", "contrastive_regression_loss", "region_info_nce"]
