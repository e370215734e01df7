from django.urls import re_path

from . import views as scim

app_name = "scim"
urlpatterns = [
    re_path(r"^ServiceProviderConfig/?$", scim.ServiceProviderConfigView.as_view(), name="service_provider_config"),
    re_path(r"^ResourceTypes/?$", scim.ResourceTypesView.as_view(), name="resource_types"),
    re_path(r"^ResourceTypes/(?P<name>[^/]+)/?$", scim.ResourceTypesView.as_view(), name="resource_type"),
    re_path(r"^Schemas/?$", scim.SchemasView.as_view(), name="schemas"),
    re_path(r"^Schemas/(?P<name>[^/]+)/?$", scim.SchemasView.as_view(), name="schema"),
    re_path(r"^Users/?$", scim.UsersView.as_view(), name="users"),
    re_path(r"^Users/\.search/?$", scim.UsersSearchView.as_view(), name="users_search"),
    re_path(r"^Users/(?P<pk>[^/]+)/?$", scim.UserDetailView.as_view(), name="user"),
    re_path(r"^Groups/?$", scim.GroupsView.as_view(), name="groups"),
    re_path(r"^Groups/\.search/?$", scim.GroupsSearchView.as_view(), name="groups_search"),
    re_path(r"^Groups/(?P<pk>[^/]+)/?$", scim.GroupDetailView.as_view(), name="group"),
    re_path(r"^\.search/?$", scim.RootSearchView.as_view(), name="search"),
    re_path(r"^(?P<rest>.*)$", scim.NotFoundView.as_view(), name="not_found"),
]
