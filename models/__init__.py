"""How the default embedding model is obtained and built (see models/README.md).

Importable so that tests and the Makefile can call ``models.build_model.build``.
"""
