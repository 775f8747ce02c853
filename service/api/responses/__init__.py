"""Response bodies of the HTTP API, one module per area.

Every route declares one of these models (its return annotation or ``response_model``), so
the OpenAPI schema at ``/openapi.json`` is the contract the UI and other clients read, and
``tests/api/test_schemathesis.py`` checks that every answer conforms to it.
"""
