"""The people who log in."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.dispatch import Signal

from .roles import Role

# Sent with the ids of the accounts that an update() of many at once deactivated: no post_save
# is sent for them, and their sessions must end all the same.
users_deactivated = Signal()


class UserQuerySet(models.QuerySet):
    def update(self, **fields):
        deactivated = (
            list(self.filter(is_active=True).values_list("pk", flat=True))
            if fields.get("is_active") is False
            else []
        )
        count = super().update(**fields)
        if deactivated:
            users_deactivated.send(sender=self.model, ids=deactivated)
        return count


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in with their e-mail address. Superusers are the administrators."""

    username = None
    email = models.EmailField("adresse e-mail", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def requires_two_factor(self) -> bool:
        """Whoever can open the admin, and federation staff, must protect their account with TOTP."""
        return self.is_staff or self.is_superuser or self.memberships.filter(role=Role.FPO_STAFF).exists()
