"""SCIM 2.0 for identity providers (Entra ID, Okta): Users are employees, Groups are departments.

schemas.py   what the service provider publishes (configuration, resource types, schemas)
filters.py   filters, parsed by scim2-models, as a Django Q or matched against JSON
resources.py ids, the JSON shown, attribute selection, the fields read from a body
patch.py     PATCH operations applied to the JSON representation
services.py  the writes, through people.services
views.py     the endpoints; urls.py their routes under /scim/v2/
"""
