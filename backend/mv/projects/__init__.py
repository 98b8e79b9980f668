"""Projects: everything one music video is made of, kept by the server in a workspace."""
