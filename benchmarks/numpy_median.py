#!/usr/bin/env python3
"""Times numpy.median on the stacks MedianStack wrote and checks MedianFrame's results are identical.

Usage: numpy_median.py <folder written by MedianStack>
"""
import pathlib
import sys
import time

import numpy as np

folder = pathlib.Path(sys.argv[1])
for stack_file in sorted(folder.glob("*.stack")):
    frames, height, width = (int(part) for part in stack_file.stem.split("x"))
    stack = np.fromfile(stack_file, dtype=np.uint8).reshape(frames, height, width)
    java = np.fromfile(stack_file.with_suffix(".median"), dtype=np.uint8).reshape(height, width)
    expected = np.median(stack, axis=0).astype(np.uint8)
    runs = []
    for _ in range(15):
        start = time.perf_counter()
        np.median(stack, axis=0).astype(np.uint8)
        runs.append(time.perf_counter() - start)
    best = min(runs)
    median_run = sorted(runs)[len(runs) // 2]
    print(f"numpy {np.__version__} median of {frames} frames of {width}x{height}: "
          f"median {median_run * 1e3:.1f} ms, best {best * 1e3:.1f} ms, "
          f"{median_run * 1e9 / stack.size:.2f} ns/pixel·frame; "
          f"MedianFrame result {'identical' if np.array_equal(java, expected) else 'DIFFERENT'}")
