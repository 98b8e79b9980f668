"""The Replicate provider: hosted models through the official client, durable across restarts.

`provider` holds the capabilities; `predictions` creates, reconciles and polls; `files` moves inputs and
outputs; `api` is the bounded HTTP client; `claims`, `pacing`, `parsing` and `hosts` are their parts.
"""

from mv.providers.replicate.hosts import OUTPUT_HOST, is_output_host
from mv.providers.replicate.parsing import output_text, parse_scenes, public_inputs
from mv.providers.replicate.provider import ReplicateProvider

__all__ = ["OUTPUT_HOST", "ReplicateProvider", "is_output_host", "output_text", "parse_scenes", "public_inputs"]
