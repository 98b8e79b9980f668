"""Scene planning: an idea and a character become a list of clip prompts."""
