"""One shard schema: the label kinds have one set of names, and every reader and writer agrees."""

import pyarrow.parquet as pq
import pytest

from mothello_data import probing, schema
from mothello_data.plan import Plan
from mothello_data.spec import LanguageSpec, SpecError


def test_label_kinds_are_the_probing_names_and_old_spellings_still_parse():
    assert schema.LABEL_KINDS == probing.LABEL_NAMES == ("board_state", "legal_moves", "flipped", "player")
    assert schema.parse_labels("all") == list(schema.LABEL_KINDS)
    assert schema.parse_labels("legal,board") == ["board_state", "legal_moves"]
    assert schema.parse_labels("player, flipped") == ["flipped", "player"]
    assert schema.parse_labels("none") == [] and schema.parse_labels(None) == []
    with pytest.raises(SpecError, match="unknown label 'colour'"):
        schema.parse_labels("board,colour")


def test_plan_records_the_canonical_label_names():
    plan = Plan(spec=LanguageSpec(types=["atomic"]), games=10, seed=0, splits={"train": 10}, labels=["legal", "board"])
    assert plan.identity()["labels"] == ["board_state", "legal_moves"]


def test_written_shard_has_exactly_the_schema_columns(tmp_path):
    from mothello_data.shards import generate_shard

    plan = Plan(spec=LanguageSpec(types=["atomic", "split"]), games=50, seed=1, splits={"train": 50}, labels=["legal_moves"])
    record = generate_shard(plan, plan.shards()[0], str(tmp_path))
    names = pq.ParquetFile(tmp_path / record.file).schema_arrow.names
    assert names == list(schema.BASE_COLUMN_NAMES) + ["legal"]
    assert not schema.has_stored_labels(names)
    with pytest.raises(schema.SchemaError, match="missing game_id"):
        schema.check_shard_columns("x.parquet", names[1:])
