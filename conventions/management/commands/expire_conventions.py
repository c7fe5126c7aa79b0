from django.core.management.base import BaseCommand

from conventions.services.workflow import expire_conventions


class Command(BaseCommand):
    help = (
        "Constate l'expiration des conventions signées dont la date de fin est passée (à lancer chaque jour)."
    )

    def handle(self, *args, **options):
        expired = expire_conventions()
        self.stdout.write(
            f"{len(expired)} convention(s) expirée(s){' : ' + ', '.join(expired) if expired else ''}."
        )
