"""The second factor that publishers and superusers must use to reach the admin.

Everyone may set one up (django-two-factor-auth's pages, under the admin's path);
those who can publish, manage accounts or do anything are sent to set one up before any admin page
works, and, once they have one, to sign in with its code.
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from two_factor.utils import default_device


def needs_second_factor(user) -> bool:
    """Superusers, staff with any `publish_*` permission (PublishableAdmin), and staff
    who may manage accounts, groups or permissions (and so make themselves either)."""
    return user.is_superuser or any(
        permission.startswith("auth.")
        or permission.split(".", 1)[1].startswith("publish_")
        for permission in user.get_all_permissions()
    )


class SecondFactorRequiredMiddleware:
    """After django_otp's OTPMiddleware, which tells a verified session apart."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = request.user
        if (
            match.namespace != "admin"
            or match.url_name == "logout"
            or not user.is_authenticated
            or user.is_verified()
            or not needs_second_factor(user)
        ):
            return None
        if default_device(user) is None:
            # Without `next`: the set-up ends on its own page, which offers the
            # recovery codes before the admin.
            return redirect("two_factor:setup")
        # Signed in without the code (before the device was set up, say).
        return redirect_to_login(request.get_full_path())
