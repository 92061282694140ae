"""Content as a whole: its version, seeding from fixtures (a registry each content app
fills from its own ``seeds.py``), export and import, and ordered-children writes."""
