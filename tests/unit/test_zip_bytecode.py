"""The test suite's bytecode cache for zip imports (tests/harness/zip_bytecode.py): the cached code is
the source's code, named after the archive it is imported from, and a changed source is compiled anew."""

import pathlib
import subprocess
import sys
import zipfile

HARNESS = pathlib.Path(__file__).resolve().parents[1] / "harness"

IMPORT_FROM_ZIP = """
import sys, zipimport
sys.path.insert(0, {harness!r})
import zip_bytecode
zip_bytecode.install({cache!r})
sys.path.insert(0, {archive!r})
import payload
print(payload.answer(), payload.answer.__code__.co_filename)
"""


def _archive(path, source):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("payload.py", source)
    return str(path)


def _import(archive, cache):
    script = IMPORT_FROM_ZIP.format(harness=str(HARNESS), cache=str(cache), archive=archive)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()


def _entries(cache):
    return sorted(path for path in cache.rglob("*") if path.is_file())


def test_the_second_import_of_the_same_source_uses_the_cached_code_named_after_its_own_archive(tmp_path):
    cache = tmp_path / "cache"
    first = _archive(tmp_path / "first.zip", "def answer():\n    return 42\n")
    second = _archive(tmp_path / "second.zip", "def answer():\n    return 42\n")
    assert _import(first, cache) == ["42", first + "/payload.py"]
    cached = _entries(cache)
    assert len(cached) == 1
    before = cached[0].stat().st_mtime_ns
    # The same source from another archive (every AnsiballZ payload has its own path): no new entry,
    # and the function names the archive it came from.
    assert _import(second, cache) == ["42", second + "/payload.py"]
    assert _entries(cache) == cached and cached[0].stat().st_mtime_ns == before


def test_a_changed_source_is_compiled_again(tmp_path):
    cache = tmp_path / "cache"
    assert _import(_archive(tmp_path / "a.zip", "def answer():\n    return 1\n"), cache)[0] == "1"
    assert _import(_archive(tmp_path / "b.zip", "def answer():\n    return 2\n"), cache)[0] == "2"
    assert len(_entries(cache)) == 2


def test_an_unreadable_cache_entry_is_compiled_again(tmp_path):
    cache = tmp_path / "cache"
    archive = _archive(tmp_path / "a.zip", "def answer():\n    return 7\n")
    _import(archive, cache)
    _entries(cache)[0].write_bytes(b"not bytecode")
    assert _import(archive, cache)[0] == "7"
