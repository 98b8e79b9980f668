"""Assets: every audio, image and video Encore stores, with provenance."""
