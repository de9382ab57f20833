import os
import sys

from .cli import main

if __name__ == "__main__":  # not when a spawned worker process imports it
    code = main()
    if code in (2, 130, 143):
        # A stop (a full disk, a damaged warehouse, a worker that died twice, Ctrl-C, SIGTERM): what was
        # committed is committed and the warehouse is closed. Leave without the interpreter's exit
        # handlers: they join the worker pool's threads, and one such join waited on a pipe that a
        # terminated worker had left full (a load hung 2 hours after Ctrl-C once; a full-disk stop,
        # its message printed, was still running at the test's 10-minute limit on a busy machine).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
