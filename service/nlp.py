"""The heavy language resources (embedding model, Finnish analyzer), loaded once and lazily.

Nothing heavy is imported until a resource is first used (the stages' modules load
their libraries inside), so the CLI's ``--help`` and the API's start-up stay fast.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING

from service.config import Settings
from service.pipeline.embed_onnx import make_embedder
from service.pipeline.language import FinnishAnalyzer
from service.pipeline.privacy.detect import PersonalDataDetector

if TYPE_CHECKING:
    from service.pipeline.embed import Embedder


class NlpResources:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Jobs and requests share the model; loading it twice would double memory.
        self._lock = threading.Lock()

    @cached_property
    def embedder(self) -> Embedder:
        with self._lock:
            return make_embedder(
                self.settings.embedding_model,
                self.settings.embedding_backend,
                self.settings.embedding_prompt or None,
                self.settings.embedding_batch_size,
                threads=self.settings.cpu_threads or None,
            )

    @cached_property
    def analyzer(self) -> FinnishAnalyzer:
        with self._lock:
            # Named entities are not used downstream and cost ~40% of spaCy's time.
            return FinnishAnalyzer(backend=self.settings.language_backend, entities=False)

    @cached_property
    def privacy(self) -> PersonalDataDetector:
        # Shares the analyzer's spaCy pipeline (language.shared_pipeline): one load.
        return PersonalDataDetector()
