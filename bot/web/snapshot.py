"""A class as its page shows it: read from the database at one moment, worded once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.storage.classes import ClassInfo, ClassStore
from flows.class_results import ResultRow, consented_results
from flows.content import Content
from flows.report import ClassReport, PlanBriefs, Submission, build_report


@dataclass(frozen=True)
class ClassSnapshot:
    """The class, its report and its consented results, all in the teacher's language."""

    info: ClassInfo
    report: ClassReport
    results: list[ResultRow]


class ClassSnapshots:
    """Takes snapshots of classes: three reads, whatever the number of students."""

    def __init__(self, classes: ClassStore, content: Content) -> None:
        self.classes, self.content = classes, content
        self.briefs = PlanBriefs(content)
        self._latest: dict[int, ClassSnapshot] = {}
        self._turns: dict[int, asyncio.Lock] = {}

    async def take(self, info: ClassInfo) -> ClassSnapshot:
        """Return the class as it is at `info`'s revision, read and worded once per revision.

        Fifty pages opened at once share one snapshot. The wording runs in a worker thread:
        the first snapshot of a large class builds every shared card once (seconds for 300),
        and the chats must not wait for it.
        """
        async with self._turns.setdefault(info.id, asyncio.Lock()):
            known = self._latest.get(info.id)
            if known is not None and known.info.revision == info.revision:
                return known
            snapshot = await self._take(info)
            self._latest[info.id] = snapshot
            return snapshot

    async def _take(self, info: ClassInfo) -> ClassSnapshot:
        joined, _ = await self.classes.counts(info.id)
        finished = await self.classes.finished(info.id)
        submissions = [Submission(f.answers, f.share, f.name) for f in finished]
        return await asyncio.to_thread(self._word, info, joined, submissions)

    def _word(self, info: ClassInfo, joined: int, submissions: list[Submission]) -> ClassSnapshot:
        case = self.content.case(info.case_id) if info.case_id is not None else None
        report = build_report(
            self.content,
            title=info.title,
            case=case,
            joined=joined,
            submissions=submissions,
            lang=info.lang,
            briefs=self.briefs,
            brief=info.brief,
        )
        return ClassSnapshot(
            info, report, consented_results(self.content, submissions, info.lang, self.briefs)
        )
