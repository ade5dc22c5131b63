"""Public copies of videos with identity documents blurred (evidence/blurring)."""

from config.env import env_bool, env_float

# Render a public copy for every new or re-reviewed original video (queue "video").
VIDEO_BLUR_AUTO = env_bool("VIDEO_BLUR_AUTO", True)
# Frames read per second of video: 3 finds a card held up for half a second.
VIDEO_BLUR_SAMPLES_PER_SECOND = env_float("VIDEO_BLUR_SAMPLES_PER_SECOND", 3.0, minimum=0.2)
# Off: the public sees a copy only once an editor has reviewed its regions. On: as soon as
# it is rendered (the archive trusts the detector; editors can still correct it later).
VIDEO_BLUR_PUBLISH_UNREVIEWED = env_bool("VIDEO_BLUR_PUBLISH_UNREVIEWED", False)
