"""Who may open the people pages, the account pages, the API root and the admin."""

from tests.access import Row, only_hr, same

ROWS = [
    Row("home", same(200, anonymous=302)),
    Row("people:directory", only_hr()),
    Row("people:directory", only_hr(), query="export=csv"),
    Row("people:profile", same(302)),
    Row(
        "people:employee_detail",
        kwargs=lambda p: {"pk": p.employee.pk},
        expect=same(404, anonymous=302, employee=200, manager=200, hr=200),
    ),
    Row(
        "people:employee_detail",
        kwargs=lambda p: {"pk": p.other_employee.pk},
        expect=same(404, anonymous=302, other_employee=200, outsider_manager=200, hr=200),
    ),
    Row("people:employee_edit", kwargs=lambda p: {"pk": p.employee.pk}, expect=only_hr()),
    # L&D staff and managers build audiences in forms (a manager proposes goals for their team).
    Row(
        "people:audience_field",
        same(403, anonymous=302, manager=200, outsider_manager=200, hr=200),
        query="name=audience&audience_kind=department",
    ),
    Row(
        "people:manager_search",
        same(403, anonymous=302, manager=200, outsider_manager=200, hr=200),
        query="name=audience_manager&id=id_audience_3&audience_manager_search=a",
    ),
    Row("people:audit_log", only_hr()),
    Row("people:audit_log", only_hr(), query="export=csv"),
    Row("people:audit_log", only_hr(), query="action=budget.adjusted&who=a&obj=catalog.enrolment:1&since=2026-01-01"),
    Row("people:my_data", same(200, anonymous=302)),
    Row("people:my_data", same(200, anonymous=302), query="format=json"),
    Row("people:employee_data", only_hr(), kwargs=lambda p: {"pk": p.employee.pk}),
    Row("people:employee_data", only_hr(), kwargs=lambda p: {"pk": p.employee.pk}, query="format=json"),
    Row("people:employee_erase", only_hr(), kwargs=lambda p: {"pk": p.employee.pk}),
    Row("privacy", same(200)),
    # single sign-on is not configured in the tests' settings (tests/people/test_sso.py configures it)
    Row("oidc_authentication_init", same(404)),
    Row("oidc_authentication_callback", same(404)),
    # Everyone signed in may search, among whom they may see (tests/people/test_employee_choice.py).
    Row("people:employee_search", same(200, anonymous=302), query="name=manager&id=id_manager&manager_search=a"),
    Row("set_language", same(302), method="post", data={"language": "nl", "next": "/"}),
    Row("login", same(302, anonymous=200)),
    Row("logout", same(302), method="post"),
    Row("password_change", same(200, anonymous=302)),
    Row("password_change_done", same(200, anonymous=302)),
    Row("password_reset", same(200)),
    Row("password_reset_done", same(200)),
    Row("password_reset_confirm", same(200), kwargs=lambda p: {"uidb64": "MQ", "token": "set-password"}),
    Row("password_reset_complete", same(200)),
    Row("api:me", same(200, anonymous=401)),  # 401: the Bearer scheme is the first authenticator
    Row("schema", same(200)),
    Row("api_docs", same(200)),
    Row("api_redoc", same(200)),
    Row("healthz", same(200)),
    Row("admin:index", only_hr(denied=302)),
]

# The admin's own account pages (people use ours; these stay reachable for the admin).
ROWS += [
    Row("admin:login", same(200, hr=302)),
    Row("admin:logout", same(302), method="post"),
    Row("admin:password_change", only_hr(denied=302)),
    Row("admin:password_change_done", only_hr(denied=302)),
]
