"""What a load says: problems met (each a future load_errors row) and the counts of its summary."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class FileProblem:
    path: str
    message: str
    severity: str = "error"  # error: nothing loaded from the file; rejected: a row not loaded; warning
    row_number: int | None = None
    reason: str | None = None  # the message without row details, to count problems per reason


@dataclass
class LoadReport:
    files_seen: int = 0
    rows_seen: int = 0  # pages and export rows read
    added: int = 0
    updated: int = 0
    unchanged: int = 0  # already in the warehouse, identical
    duplicates: int = 0  # the same article met earlier in this load
    rejected: Counter = field(default_factory=Counter)  # reason -> rows not loaded
    warned: Counter = field(default_factory=Counter)  # reason -> rows loaded with a remark
    problems: list[FileProblem] = field(default_factory=list)  # file-level: kept for the summary
    pending: list[FileProblem] = field(default_factory=list)  # every problem not yet in load_errors
    seconds: float = 0.0
    input_seconds: float = 0.0   # of them, reading and hashing the inputs (in the main process)
    writer_seconds: float = 0.0  # of them, the single writer's own work (what is new, stories, inserts)
    finish_seconds: float = 0.0  # after the batches: registry, rollups, search index, publishing
    run_id: int | None = None
    workers: int = 1
    extractor: str = ""  # fingerprint of what extracts (code, models, lexicons): see inputs.extractor_fingerprint
    extractor_changed: bool = False  # the last load extracted otherwise: articles met again are redone
    worker_restarts: int = 0  # times the extraction workers were replaced after one died
    worker_death: str = ""    # how the last one ended ("killed by SIGKILL")

    @property
    def failed(self) -> int:
        # Files, not problems: one file can meet two ("stopped reading after row 9" and another);
        # counting problems gave "files: 1 ... failed files: 2" (issue 22).
        return len({p.path for p in self.problems if p.severity == "error"})

    @property
    def loaded(self) -> int:
        return self.added + self.updated + self.unchanged

    def note(self, problem: FileProblem, counts_as_row: bool) -> None:
        """A problem met: it goes to load_errors with the next write; file-level ones also to the summary."""
        self.pending.append(problem)
        if problem.row_number is None:
            self.problems.append(problem)
        if counts_as_row:
            self.rejected[problem.reason or problem.message] += 1

    def summary(self) -> str:
        rejected = sum(self.rejected.values())
        lines = [
            f"files: {self.files_seen}  rows read: {self.rows_seen}  failed files: {self.failed}  "
            f"seconds: {self.seconds:.1f}",
            f"articles added: {self.added}  updated: {self.updated}  already present: {self.unchanged}  "
            f"duplicates in this load: {self.duplicates}  rows rejected: {rejected}",
        ]
        if self.seconds:
            lines.append(f"  of the {self.seconds:.1f} s: reading inputs {self.input_seconds:.1f} s, writing "
                         f"{self.writer_seconds:.1f} s; then registry, rollups, search index and publishing "
                         f"{self.finish_seconds:.1f} s")
        if self.extractor_changed:
            lines.append("  the extractor changed since the last load (its code, models, lexicons or --evidence): the articles met "
                         "again were extracted again and count as updated")
        if self.worker_restarts:
            lines.append(f"  an extraction worker died ({self.worker_death}) {self.worker_restarts} time(s); the "
                         f"batches it held ran again on fresh workers")
        for reason, n in self.rejected.most_common():
            lines.append(f"  rejected {n:>7}  {reason}")
        for reason, n in self.warned.most_common():
            lines.append(f"  loaded with remark {n:>7}  {reason}")
        for p in self.problems[:50]:
            lines.append(f"  {p.severity.upper()} {shown(p.path)}: {shown(p.message)}")
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more in load_errors")
        return "\n".join(lines)


def shown(text: str) -> str:
    """A file name or message for a one-line report: control characters (a newline in a file name
    could fake a report line) written as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
