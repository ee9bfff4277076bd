"""Signed-in staff sessions for tests, second factor included.

Publishers and superusers reach the admin only in a session that passed the second
factor (lublin/second_factor.py). `with_second_factor(user)` gives the user an
authenticator app; the `client` fixture's `force_login(user)` then signs in as the
login page does after a right code (django_otp's `login`, which records the device in
the session). Users without one get a password-only session, as before.
"""

from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def with_second_factor(user: User) -> User:
    """The user with a confirmed authenticator app, which force_login signs in with."""
    user.otp_device = TOTPDevice.objects.create(
        user=user, name="default", confirmed=True
    )
    return user


class StaffClient(Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = getattr(user, "otp_device", None)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
