"""manage.py api_token issue|revoke|show USERNAME: researcher tokens for the REST API."""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token

from testimonies import roles


class Command(BaseCommand):
    help = (
        "Issue, show or revoke a researcher's API token. Send it as "
        "'Authorization: Token <key>'; researchers get higher rate limits than anonymous use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["issue", "revoke", "show"])
        parser.add_argument("username")
        parser.add_argument(
            "--create", action="store_true", help="Create the account if it does not exist."
        )
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            if not (options["action"] == "issue" and options["create"]):
                raise CommandError(f"No account {username!r}; pass --create to make one.")
            user = User.objects.create_user(username, email=options["email"])
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if options["action"] == "revoke":
            deleted, _ = Token.objects.filter(user=user).delete()
            self.stdout.write(f"Revoked {deleted} token(s) of {username}.")
            return
        if options["action"] == "show":
            token = Token.objects.filter(user=user).first()
            if token is None:
                raise CommandError(f"{username} has no token; issue one first.")
            self.stdout.write(token.key)
            return
        roles.grant(user, roles.RESEARCHER)
        Token.objects.filter(user=user).delete()  # issuing again replaces the old key
        self.stdout.write(Token.objects.create(user=user).key)
