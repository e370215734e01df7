"""What our SCIM service provider publishes: its configuration, resource types and schemas."""

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
SPC = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
MAX_RESULTS = 1000


def attr(name, type_="string", *, required=False, multi=False, mutability="readWrite", uniqueness="none", **extra):
    out = {
        "name": name,
        "type": type_,
        "multiValued": multi,
        "description": extra.pop("description", name),
        "required": required,
        "caseExact": False,
        "mutability": mutability,
        "returned": "default",
        "uniqueness": uniqueness,
    }
    out.update(extra)
    return out


SCHEMAS = {
    USER: {
        "id": USER,
        "name": "User",
        "description": "An employee",
        "attributes": [
            attr("userName", required=True, uniqueness="server", description="Unique sign-in name"),
            attr(
                "name",
                "complex",
                required=True,
                subAttributes=[attr("givenName", required=True), attr("familyName", required=True)],
                description="First and last name",
            ),
            attr(
                "emails",
                "complex",
                multi=True,
                required=True,
                subAttributes=[attr("value", required=True)],
                description="The work e-mail address (one; every employee needs one)",
            ),
            attr("active", "boolean", required=True, description="Active employees appear in Leerborg"),
        ],
    },
    ENTERPRISE: {
        "id": ENTERPRISE,
        "name": "EnterpriseUser",
        "description": "Enterprise User",
        "attributes": [
            attr("employeeNumber", description="The HRIS key (external_id)"),
            attr("department", description="Department name (created when first seen)"),
            attr(
                "manager",
                "complex",
                subAttributes=[
                    attr("value", description="The manager's id"),
                    attr("$ref", "reference", referenceTypes=["User"]),
                ],
                description="The manager",
            ),
        ],
    },
    GROUP: {
        "id": GROUP,
        "name": "Group",
        "description": "A department",
        "attributes": [
            attr("displayName", required=True, description="Department name"),
            attr(
                "members",
                "complex",
                multi=True,
                subAttributes=[
                    attr("value", mutability="immutable"),
                    attr("$ref", "reference", mutability="immutable", referenceTypes=["User"]),
                ],
                description="Employees of the department",
            ),
        ],
    },
}

RESOURCE_TYPES = {
    "User": {
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "Employees",
        "schema": USER,
        "schemaExtensions": [{"schema": ENTERPRISE, "required": False}],
    },
    "Group": {
        "id": "Group",
        "name": "Group",
        "endpoint": "/Groups",
        "description": "Departments",
        "schema": GROUP,
        "schemaExtensions": [],
    },
}


def service_provider_config(location: str) -> dict:
    return {
        "schemas": [SPC],
        "documentationUri": "https://example.invalid/docs/hris",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "An API client token with the hris:write scope",
                "primary": True,
            }
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": location},
    }
