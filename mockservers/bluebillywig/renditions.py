"""What transcoding produces for a clip: MP4/MP3 renditions (mediaassets), thumbnails and the source path.

The ladder and bandwidths follow the seed's example (1920x1080 MP4_HD at 3000,
1280x720 and 768x432 MP4_MAIN at 2000 and 1600 kbit/s); the lower rung and the
audio rendition are inferred.
"""

from __future__ import annotations

from datetime import datetime, timezone
from math import gcd
from typing import Any

# (height, mediatype, bandwidth kbit/s, H.264 profile/level tag)
VIDEO_LADDER = (
    (1080, "MP4_HD", 3000, "avc1.4d4828"),
    (720, "MP4_MAIN", 2000, "avc1.4d481f"),
    (432, "MP4_MAIN", 1600, "avc1.4d481e"),
    (270, "MP4_MAIN", 800, "avc1.4d4815"),
)
AUDIO_RENDITION = ("MP3_MAIN", 128, "audio/mpeg")


def media_dir(shortname: str, epoch: float) -> str:
    """``/{publication}/media/YYYY/MM/DD`` as in the seed's ``src`` values."""
    day = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return f"/{shortname}/media/{day:%Y/%m/%d}"


def display_aspect(width: int, height: int) -> str:
    """``16:9`` style ratio of a frame size ('' without a picture)."""
    if width <= 0 or height <= 0:
        return ""
    divisor = gcd(width, height)
    return f"{width // divisor}:{height // divisor}"


def video_renditions(width: int, height: int, has_audio: bool) -> list[dict[str, Any]]:
    """Rungs of the ladder at or below the source height (at least one, at the source size)."""
    audio = ", mp4a.40.2" if has_audio else ""
    rungs = [r for r in VIDEO_LADDER if r[0] <= height] or [(height, "MP4_MAIN", 800, "avc1.4d4815")]
    out = []
    for rung_height, mediatype, bandwidth, codec in rungs:
        rung_width = max(2, int(round(width * rung_height / height / 2)) * 2) if height else 0
        out.append(
            {
                "mediatype": mediatype,
                "width": rung_width,
                "height": rung_height,
                "bandwidth": bandwidth,
                "mimetype": f'video/mp4; codecs="{codec}{audio}"',
                "extension": "mp4",
            }
        )
    return out


def audio_renditions() -> list[dict[str, Any]]:
    """One MP3 rendition for audio clips (inferred)."""
    mediatype, bandwidth, mimetype = AUDIO_RENDITION
    return [{"mediatype": mediatype, "width": 0, "height": 0, "bandwidth": bandwidth, "mimetype": mimetype, "extension": "mp3"}]


def thumbnails(directory: str, clip_id: str, stamp: int, width: int, height: int) -> list[dict[str, Any]]:
    """Two frame grabs at the source size, the first one main (seed example); none for audio."""
    if width <= 0 or height <= 0:
        return []
    return [
        {"src": f"{directory}/{clip_id}-{stamp + n}.jpg", "width": width, "height": height, "main": n == 0}
        for n in range(2)
    ]
