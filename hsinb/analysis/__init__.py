"""Records → verdicts: the pair-matrix ablation (:mod:`~hsinb.analysis.ablation`), paper C's
claims and the comparison with the classical baselines (:mod:`~hsinb.analysis.method_c_checks`),
and the statistics that figures show (:mod:`~hsinb.analysis.stats`). Figures in
:mod:`hsinb.plots` draw what these compute."""
