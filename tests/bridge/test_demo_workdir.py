"""A demo run that recreates its database starts its bridge afresh in a reused workdir."""

from pathlib import Path

from logistics_demo.cli import Demo, demo_options


def test_a_new_database_forgets_the_previous_bridge_state(tmp_path: Path) -> None:
    demo = Demo(demo_options([f"--workdir={tmp_path}"]))
    left_behind = [
        demo.inbox_path,
        tmp_path / "bridge-inbox.sqlite3-wal",
        tmp_path / "bridge-inbox.sqlite3-shm",
        tmp_path / "registry.json",
    ]
    for path in left_behind:
        path.write_text("from the previous run")
    kept = tmp_path / "odoo.log"
    kept.write_text("a log")

    demo.forget_bridge_state()

    assert [path for path in left_behind if path.exists()] == []
    assert kept.read_text() == "a log"
    demo.forget_bridge_state()  # nothing left to remove is fine
