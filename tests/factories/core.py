import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from levelup.enums import EmailStatus, JobStatus, OrganisationType, Role
from levelup.models import Body, Job, Organisation, OutboundEmail, Place, RoleGrant, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = User
        skip_postgeneration_save = True


class PlaceFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Town {n}")
    slug = factory.Sequence(lambda n: f"town-{n}")
    local_authority = factory.LazyAttribute(lambda o: f"{o.name} Council")
    region = "North West"

    class Meta:
        model = Place


class OrganisationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    type = OrganisationType.COMMUNITY

    class Meta:
        model = Organisation

    class Params:
        business = factory.Trait(type=OrganisationType.BUSINESS, size="small")


class BodyFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Taskforce {n}")
    slug = factory.Sequence(lambda n: f"taskforce-{n}")

    class Meta:
        model = Body


class RoleGrantFactory(factory.django.DjangoModelFactory):
    """A grant written straight to the table; tests of auditing use the services instead."""

    user = factory.SubFactory(UserFactory)
    role = Role.SECRETARIAT
    target = factory.SubFactory(BodyFactory)
    content_type = factory.LazyAttribute(
        lambda o: ContentType.objects.get_for_model(o.target) if o.target else None
    )
    object_id = factory.LazyAttribute(lambda o: o.target.pk if o.target else None)

    class Meta:
        model = RoleGrant
        exclude = ["target"]


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    template = "accounts/password_reset"
    to = factory.LazyFunction(lambda: ["someone@example.org"])
    subject = "Reset your LevelUp password"
    body_text = "Hello"
    status = EmailStatus.QUEUED

    class Meta:
        model = OutboundEmail


class JobFactory(factory.django.DjangoModelFactory):
    """A job row written straight to the table (no message is sent)."""

    kind = "tests.gated"
    status = JobStatus.QUEUED

    class Meta:
        model = Job

    class Params:
        running = factory.Trait(
            status=JobStatus.RUNNING,
            attempts=1,
            started_at=factory.LazyFunction(timezone.now),
            heartbeat_at=factory.LazyFunction(timezone.now),
        )
        failed = factory.Trait(
            status=JobStatus.FAILED,
            attempts=3,
            error="It stopped because of an unexpected error (OSError: disk full).",
            finished_at=factory.LazyFunction(timezone.now),
        )
