"""Finding official data files in the data directory.

All loaders name their files relative to ``Settings.data`` (``COMEXLAB_DATA``), e.g.
``usitc_hts/hts_2026_rev_10.json.gz``, so one setting moves the whole data set.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from comexlab.errors import DataFileMissingError
from comexlab.i18n import Msg
from comexlab.settings import get_settings


def data_path(relative: str | Path, *, data_dir: Path | None = None) -> Path:
    """Absolute path of an official file; a missing file raises naming it and the setting."""
    base = data_dir if data_dir is not None else get_settings().data
    path = Path(base) / relative
    if not path.exists():
        raise DataFileMissingError(
            path,
            hint=Msg("error.hint.data_dir", relative=str(relative)),
        )
    return path


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """A temporary path next to ``dest`` that becomes ``dest`` only when the block succeeds.

    Downloads and files written from API answers go through it, so an interrupted write never
    leaves a truncated file that a later run would take for a good one.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(dest)
