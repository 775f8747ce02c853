"""Rules the service and the UI both follow, with no import of either.

The UI talks to the service over HTTP only (an import-linter contract checks it), but two
rules must be the same on both sides: what makes a spreadsheet cell a formula
(``shared_rules.spreadsheet``, for the service's exports and the UI's CSV downloads) and the
security headers on every HTTP answer (``shared_rules.headers``, for the API and the UI server).
"""
