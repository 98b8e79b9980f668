"""Config flavors: named sets of prompts, model ids and parameters, chosen per request."""
