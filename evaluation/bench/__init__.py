"""Speed and fidelity benchmarks; each module has ``run(quick: bool) -> dict``.

- :mod:`evaluation.bench.encoder`: sentence-transformers float32 vs the int8 ONNX embedder
  (notes/s, tokens/s, cosine to float32, k-means ARI) on the shared labelled data sets.
- :mod:`evaluation.bench.common`: machine info, data sets, alternating A/B timing.

Results go to ``evaluation/results/`` as JSON plus a PNG plot.
"""
