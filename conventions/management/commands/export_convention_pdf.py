from .export_convention import Command as ExportCommand


class Command(ExportCommand):
    help = "Écrit le PDF actuel d'une convention : le document conservé s'il est figé, sinon le projet."
    fixed_format = "pdf"
