"""Song analysis: tempo, beats, bars, sections, energy, vocal stretches and timed lyrics."""
