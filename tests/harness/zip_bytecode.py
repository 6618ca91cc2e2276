"""A bytecode cache for modules imported from zip archives: the test suite's ccache for AnsiballZ.

Every Ansible module run imports its module_utils (ansible's, amazon.aws's, this collection's)
from the AnsiballZ zip, and zipimport keeps no bytecode: Python 3.11 compiles each file it imports
from a zip twice (``zipimporter.find_spec`` compiles it to learn its file name, then ``exec_module``
compiles it again), 0.1-0.2 s of a module run's CPU. The test suite runs thousands of module
runs with the same few hundred files, so it caches their bytecode here, keyed by the Python
version and the source text: the code that runs is the code the source compiles to; only the
compiling is skipped.

Only the test suite uses it: the test venv's ``radiant-zip-bytecode.pth`` (Makefile) installs it
in a Python started with RADIANT_ZIP_BYTECODE_CACHE set to a directory (scripts/integration.sh
and scripts/molecule.sh set it). Benchmarks, the demo and users' runs compile as Python does.
"""

import _imp
import hashlib
import marshal
import os
import sys
import zipimport

_MAGIC = sys.implementation.cache_tag.encode() + b"\0"


def _cache_path(directory, source):
    key = hashlib.sha256(_MAGIC + source).hexdigest()
    return os.path.join(directory, key[:2], key[2:])


def _caching_compile(directory, compile_source):
    def compile_cached(pathname, source):
        path = _cache_path(directory, source if isinstance(source, bytes) else source.encode("utf-8"))
        try:
            with open(path, "rb") as cached:
                code = marshal.loads(cached.read())
        except (OSError, EOFError, ValueError, TypeError):
            code = compile_source(pathname, source)
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                partial = "{0}.{1}".format(path, os.getpid())
                with open(partial, "wb") as cached:
                    cached.write(marshal.dumps(code))
                os.replace(partial, path)  # concurrent runs: whole files only
            except OSError:
                pass
            return code
        _imp._fix_co_filename(code, pathname)  # tracebacks name this archive, as a compile would
        return code

    compile_cached.compile_source = compile_source
    return compile_cached


def install(directory):
    """Cache zipimport's compiles under ``directory`` (once per process)."""
    if getattr(zipimport._compile_source, "compile_source", None) is None:
        zipimport._compile_source = _caching_compile(directory, zipimport._compile_source)
