"""c-TF-IDF computed here equals BERTopic's, and the stages that use it do not load BERTopic."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from service.pipeline.keywords import class_tfidf
from service.pipeline.language import FinnishAnalyzer, lemma_documents
from tests.shared import fresh_process_answer, shared_file


@pytest.mark.parametrize("reduce_frequent_words", [False, True])
def test_class_tfidf_equals_bertopics_transformer(reduce_frequent_words: bool) -> None:
    from bertopic.vectorizers import ClassTfidfTransformer

    sib = shared_file("data/sib200_fin_topics.jsonl")
    rows = [json.loads(line) for line in sib.open(encoding="utf-8")][:300]
    docs = lemma_documents(FinnishAnalyzer(backend="simplemma").analyze([r["text"] for r in rows]))
    labels = np.unique([r["label"] for r in rows], return_inverse=True)[1]
    counts = CountVectorizer(token_pattern=r"\S+", lowercase=False).fit_transform(docs)
    membership = sp.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))),
        shape=(labels.max() + 1, len(labels)),
    )
    theme_counts = (membership @ counts).tocsr()
    before = theme_counts.copy()
    ours = class_tfidf(theme_counts, reduce_frequent_words=reduce_frequent_words)
    assert (theme_counts != before).nnz == 0  # the input is left as it was
    peer = ClassTfidfTransformer(reduce_frequent_words=reduce_frequent_words)
    theirs = np.asarray(peer.fit_transform(theme_counts.copy()).todense())
    assert ours.shape == theirs.shape and np.count_nonzero(ours) > 100
    np.testing.assert_array_equal(ours, theirs)


def test_keywords_and_names_do_not_import_bertopic_or_torch() -> None:
    """An upload and a theme run with the int8 encoder need neither: importing BERTopic
    for its c-TF-IDF loaded UMAP's plots, sentence-transformers and torch into both."""
    code = (
        "import sys; import service.pipeline.keywords, service.pipeline.naming, "
        "service.theming.runs, service.theming.incremental; "
        "import json; print(json.dumps("
        "[m for m in ('bertopic', 'sentence_transformers', 'torch') if m in sys.modules]))"
    )
    assert fresh_process_answer(code) == []
