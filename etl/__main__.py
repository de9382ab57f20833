import os
import sys

from .cli import main

if __name__ == "__main__":  # not when a spawned worker process imports it
    code = main()
    if code in (130, 143):
        # A stop (Ctrl-C, SIGTERM): what was committed is committed and the warehouse is closed. Leave
        # without the interpreter's exit handlers: they join the worker pool's threads, and one such
        # join waited on a pipe that a terminated worker had left full (a load hung 2 hours once).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
