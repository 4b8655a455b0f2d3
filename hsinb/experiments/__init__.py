"""One paper's experiment per module: a config from the notebook's parameters, a ``run`` that
returns the record and the artefacts, and the batch task that grids call.

* :mod:`~hsinb.experiments.method_a`: Barlow Twins pre-training (cached per scene and seed,
  :mod:`~hsinb.experiments.encoder_cache`), then supervised, linear-probe and finetune
  classifiers on a few-shot split (:mod:`~hsinb.experiments.fewshot`) beside SVM / logistic
  regression on spectra (paper A).
* :mod:`~hsinb.experiments.method_c`: abundance regression of tiles with a 3-D backbone and
  the radius-based contrastive term (paper C); :mod:`~hsinb.experiments.regression_baselines`
  its classical baselines (ridge, PLS, unmixing) on the same tiles.
* :mod:`~hsinb.experiments.calibration`: the difficulty of the ``-sim`` stand-ins, set so that
  a supervised CNN reaches a target accuracy (writes ``scenes/simulate/calibration.json``).

Modules are imported where used (``from hsinb.experiments.method_a import ...``): this package
pulls in no heavy dependency on import.
"""
