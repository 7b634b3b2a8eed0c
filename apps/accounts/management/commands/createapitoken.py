from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--create-user", action="store_true", help="create the user if it does not exist")
        parser.add_argument("--name", default="cli")

    def handle(self, username, create_user, name, **options):
        users = get_user_model().objects
        user = users.filter(username=username).first()
        if user is None:
            if not create_user:
                raise CommandError(f"no user {username!r}; pass --create-user to create it")
            user = users.create_user(username)
            user.set_unusable_password()
            user.save()
        _, raw = ApiToken.issue(user, name)
        self.stdout.write(raw)
