"""The one walker behind dataset folders, dataset globs and suite folders (walk.py).

Permission cases need root's override dropped, so they run through the CLI under ``setpriv``
(tests/cli/test_bad_input.py); these cover what the forms match and how links are followed.
"""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from stewardgate.errors import DatasetError
from stewardgate.walk import folder_files, glob_files


def _tree(root: Path) -> None:
    for name in (
        "p=1/a.parquet",
        "p=2/b.parquet",
        "_SUCCESS",
        "p=1/.a.parquet.crc",
        ".hidden/c.parquet",
        "top.parquet",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")
    (root / "linked").mkdir()
    (root / "linked" / "d.parquet").write_bytes(b"x")
    (root / "p=3").symlink_to(root / "linked", target_is_directory=True)


def _names(paths: list[Path], root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in paths]


def _hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def test_the_folder_form_follows_links_and_leaves_markers_out(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _names(folder_files(tmp_path, error=DatasetError, skip=_hidden), tmp_path) == [
        "linked/d.parquet", "p=1/a.parquet", "p=2/b.parquet", "p=3/d.parquet", "top.parquet",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("**/*.parquet", ["linked/d.parquet", "p=1/a.parquet", "p=2/b.parquet", "p=3/d.parquet", "top.parquet"]),
     ("p=*/*.parquet", ["p=1/a.parquet", "p=2/b.parquet", "p=3/d.parquet"]),
     ("p=3/*", ["p=3/d.parquet"]),
     ("p=1/.*", ["p=1/.a.parquet.crc"]),
     ("*.parquet", ["top.parquet"]),
     ("nothing/*.parquet", [])],
)  # fmt: skip
def test_the_glob_form_matches_as_glob_does_and_follows_links(
    tmp_path: Path, pattern: str, expected: list[str]
) -> None:
    _tree(tmp_path)
    assert _names(glob_files(tmp_path / pattern, error=DatasetError), tmp_path) == expected
    standard = sorted(Path(p) for p in glob.glob(str(tmp_path / pattern), recursive=True) if Path(p).is_file())
    assert _names(standard, tmp_path) == expected  # the glob module's own answer


def test_a_link_loop_is_an_error_in_both_forms(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    message = f"{tmp_path / 'a' / 'loop'}: a symbolic link loop (it leads back to {tmp_path})"
    with pytest.raises(DatasetError, match="symbolic link loop") as folder:
        folder_files(tmp_path, error=DatasetError)
    with pytest.raises(DatasetError, match="symbolic link loop") as glob:
        glob_files(tmp_path / "**" / "*.csv", error=DatasetError)
    assert str(folder.value) == str(glob.value) == message


def test_a_link_to_the_same_folder_twice_is_no_loop(tmp_path: Path) -> None:
    """Two links to one folder read its files twice (as the glob module does): not a loop."""
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "x.csv").write_bytes(b"x")
    (tmp_path / "one").symlink_to(tmp_path / "real", target_is_directory=True)
    assert _names(folder_files(tmp_path, error=DatasetError), tmp_path) == ["one/x.csv", "real/x.csv"]
