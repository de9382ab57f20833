"""One register of the extractor's caches, by what they were worked out from.

The extractor keeps, per process, what it read from its files and what it worked out from them:
the corpus's person names (`names.tsv.gz`), a name's evidence for the keep stage, the glued words
already split, the trending headlines already extracted. When a file they come from is swapped (a
held-out tagger model for evaluation, `gazetteers.no_corpus_names` for training), every cache worked
out from it must go. Each module registers its own caches here under the source they depend on, and
whoever swaps a source calls `forget(source)`: no module reaches up into the modules that use it to
clear their caches (that made import cycles: tagger -> extract, gazetteers -> candidates).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Literal

# What a cache may be worked out from.
Source = Literal["model", "names"]  # the tagger's model file; the corpus's person names

_REGISTER: dict[str, list[Callable[[], None]]] = defaultdict(list)


def depends_on(*sources: Source) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register a function that clears a cache as depending on these sources; returns it."""
    def register(clear: Callable[[], None]) -> Callable[[], None]:
        for source in sources:
            _REGISTER[source].append(clear)
        return clear
    return register


def forget(*sources: Source) -> None:
    """Clear every registered cache worked out from any of these sources."""
    done: set[int] = set()
    for source in sources:
        for clear in _REGISTER.get(source, ()):
            if id(clear) not in done:
                done.add(id(clear))
                clear()
