"""`/sante/`: what an operator (or a monitor) needs to know is working, with django-health-check;
nothing private. The checks are listed in settings.HEALTH_CHECKS, so that each app keeps its
own (the signing key's lives with the signatures)."""
