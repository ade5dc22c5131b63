"""Hits on sampled frames joined into regions that span time, held through misses."""

from __future__ import annotations

from dataclasses import dataclass, field

from evidence.blurring.schema import Box, Hit, Keyframe, Region, RegionKind


@dataclass
class _Track:
    kind: RegionKind
    hits: list[Hit] = field(default_factory=list)

    @property
    def last(self) -> Hit:
        return self.hits[-1]


def _matches(track: _Track, hit: Hit) -> float:
    """How well a hit continues a track: overlap of the numbers, or a short move."""
    last = track.last
    overlap = last.number.iou(hit.number)
    if overlap > 0:
        return 1.0 + overlap
    if last.box.intersection_area(hit.number) > 0:
        return 0.5
    (ax, ay), (bx, by) = last.number.centre, hit.number.centre
    reach = max(last.number.width, last.number.height * 4)
    distance = ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5
    return 0.25 * (1 - distance / reach) if distance < reach else 0.0


def track(
    hits_by_sample: list[tuple[float, list[Hit]]],
    *,
    period: float,
    hold: float,
    margin: float,
    duration: float,
) -> list[Region]:
    """Regions from hits, sample by sample.

    A hit joins the track it continues best; a track that gets no hit for longer than
    ``hold`` seconds ends. Each region starts one sampling ``period`` before its first hit
    (the card came into view some time after the sample before, which did not see it) and
    ends ``hold`` seconds after its last one (held through the misses that ended it: a hand
    or motion blur can hide a number from OCR that a viewer still reads), within the video.
    Where a track's card outline was found once, later hits without one keep the card's box,
    moved with the number.
    """
    open_tracks: list[_Track] = []
    done: list[_Track] = []
    for time, hits in hits_by_sample:
        for old in [t for t in open_tracks if time - t.last.time > hold]:
            open_tracks.remove(old)
            done.append(old)
        taken: set[int] = set()
        for hit in sorted(hits, key=lambda h: -h.number.area):
            scores = [
                (_matches(t, hit), i)
                for i, t in enumerate(open_tracks)
                if i not in taken and t.last.time < time
            ]
            best = max(scores, default=(0.0, -1))
            if best[0] > 0:
                chosen = open_tracks[best[1]]
                taken.add(best[1])
                chosen.hits.append(_with_card(chosen, hit))
            else:
                open_tracks.append(_Track(kind=hit.kind, hits=[hit]))
                taken.add(len(open_tracks) - 1)
    done.extend(open_tracks)

    regions = []
    for number, item in enumerate(sorted(done, key=lambda t: t.hits[0].time), start=1):
        first, last = item.hits[0].time, item.hits[-1].time
        keyframes: list[Keyframe] = []
        for hit in item.hits:  # two reads of one sample (a line split in two): one box
            if keyframes and keyframes[-1].time == hit.time:
                keyframes[-1] = Keyframe(hit.time, keyframes[-1].box.union(hit.box))
            else:
                keyframes.append(Keyframe(hit.time, hit.box))
        line = max(h.number.height for h in item.hits)
        regions.append(
            Region(
                id=f"r{number}",
                kind=item.kind,
                start=max(0.0, first - period),
                end=min(duration, last + hold),
                keyframes=keyframes,
                card=any(h.card is not None for h in item.hits),
                margin=max(margin, 0.6 * line),
            )
        )
    return regions


def _with_card(track: _Track, hit: Hit) -> Hit:
    if hit.card is not None:
        return hit
    previous = next((h for h in reversed(track.hits) if h.card is not None), None)
    if previous is None or previous.card is None:
        return hit
    dx = hit.number.centre[0] - previous.number.centre[0]
    dy = hit.number.centre[1] - previous.number.centre[1]
    card = previous.card
    moved = Box(card.x0 + dx, card.y0 + dy, card.x1 + dx, card.y1 + dy)
    return Hit(time=hit.time, kind=hit.kind, number=hit.number, card=moved.union(hit.number))
