"""`python -m mv.analysis.worker`: the analysis process, niced by its parent, capped here, fed PCM over stdin.

Protocol: each request is `<II` (sample rate, byte count) and that many bytes of mono s16le PCM; each
answer is `<I` (byte count) and a JSON object, `{"ok": result}` or `{"error": kind}`. A first answer,
`{"ready": true}`, says the libraries are loaded and warm.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import struct
import sys
import warnings
from pathlib import Path
from typing import Any, BinaryIO

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
REQUEST = struct.Struct("<II")
ANSWER = struct.Struct("<I")
WARM_UP_SECONDS = 3
"""A first, throwaway analysis loads and compiles every numeric routine before the first real song."""


def prepare(memory_mb: int, cache_dir: str) -> None:
    """Cap memory and threads, and give numba a writable cache, before numpy loads."""
    if memory_mb > 0:
        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    spec = importlib.util.find_spec("librosa")
    package = Path(spec.origin).parent if spec and spec.origin else None
    if "NUMBA_CACHE_DIR" not in os.environ and (package is None or not os.access(package, os.W_OK)):
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        os.environ["NUMBA_CACHE_DIR"] = cache_dir


def _read(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def _send(stream: BinaryIO, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    stream.write(ANSWER.pack(len(body)) + body)
    stream.flush()


def serve(inbox: BinaryIO, outbox: BinaryIO) -> None:
    """Answer requests until stdin closes."""
    warnings.simplefilter("ignore")
    import numpy as np

    from mv.analysis import song

    warm_up = np.random.default_rng(0).normal(0.0, 0.1, WARM_UP_SECONDS * 22050).astype(np.float32)
    song.analyse(warm_up, 22050)
    _send(outbox, {"ready": True})
    while (header := _read(inbox, REQUEST.size)) is not None:
        rate, size = REQUEST.unpack(header)
        pcm = _read(inbox, size)
        if pcm is None:
            return
        try:
            samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
            del pcm
            answer: dict[str, Any] = {"ok": song.analyse(samples, rate)}
        except MemoryError:
            answer = {"error": "memory"}
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
            answer = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        _send(outbox, answer)


def main() -> None:
    """Keep stdout for answers only (library chatter goes to stderr), then serve."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--cache-dir", default="")
    args = parser.parse_args()
    prepare(args.memory_mb, args.cache_dir)
    outbox = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, outbox)


if __name__ == "__main__":
    main()
