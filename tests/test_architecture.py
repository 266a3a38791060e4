"""Rules about the code itself, checked by reading it (ast), not by running it.

1. Imports flow one way: levelup (core) <- evidence <- partnerships.
2. Only levelup/outbox.py sends email; everything else queues it with `outbox_queue`.
3. Only levelup/jobs.py sends tasks to the broker; everything else uses `dispatch_on_commit`
   (or `job_enqueue`), which never turns a broker outage into an error page.
4. No template prints text unescaped (`|safe`, `|safeseq`, `{% autoescape off %}`): rich text
   goes through the `rich_text` filter, which sanitises it when it is printed; `mark_safe(`
   appears only where the allow-list below says why.
"""

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent

# For each app, the first-party apps it must not import.
FORBIDDEN_IMPORTS = {
    "levelup": {"evidence", "partnerships"},
    "evidence": {"partnerships"},
}
APPS = ["levelup", "evidence", "partnerships"]
# The root URLconf is the project's composition root: it wires every app's views together
# (settings name every app too, but as strings). The rule is for app code.
COMPOSITION_ROOT = {"levelup/urls.py"}
OUTBOX = "levelup/outbox.py"
SENDING_FUNCTIONS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers"}
MESSAGE_CLASSES = {"EmailMessage", "EmailMultiAlternatives"}
DISPATCHER = "levelup/jobs.py"
SENDING_METHODS = {"delay", "apply_async", "send_task"}


def _python_files(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Absolute module names imported anywhere in the module (relative imports stay inside)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def import_direction_offences(source: str, app: str, filename: str) -> list[str]:
    forbidden = FORBIDDEN_IMPORTS.get(app, set())
    return [
        f"{filename}:{line} imports {module}"
        for line, module in _imported_modules(ast.parse(source, filename=filename))
        if module.split(".")[0] in forbidden
    ]


def direct_email_offences(source: str, filename: str) -> list[str]:
    """Imports of Django's sending functions, their use via `mail.`, and EmailMessage(...)."""
    offences = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.ImportFrom) and node.module == "django.core.mail":
            offences.extend(
                f"{filename}:{node.lineno} imports django.core.mail.{alias.name}"
                for alias in node.names
                if alias.name in SENDING_FUNCTIONS | MESSAGE_CLASSES
            )
        elif isinstance(node, ast.Attribute) and node.attr in SENDING_FUNCTIONS:
            # `mail.send_mail(...)` or `django.core.mail.send_mail(...)`; a method of our own
            # such as `form.send_mail` is not a module attribute of django.core.mail.
            if ast.unparse(node.value).split(".")[-1] == "mail":
                offences.append(f"{filename}:{node.lineno} uses {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in MESSAGE_CLASSES:
                offences.append(f"{filename}:{node.lineno} builds {name}(...)")
    return offences


def direct_dispatch_offences(source: str, filename: str) -> list[str]:
    """`x.delay(...)`, `x.apply_async(...)`, `app.send_task(...)`, called or passed along."""
    return [
        f"{filename}:{node.lineno} uses {ast.unparse(node)}"
        for node in ast.walk(ast.parse(source, filename=filename))
        if isinstance(node, ast.Attribute) and node.attr in SENDING_METHODS
    ]


def test_only_the_dispatcher_sends_tasks_to_the_broker():
    offences = []
    for app in APPS:
        for path in _python_files(app):
            relative = path.relative_to(ROOT).as_posix()
            if relative != DISPATCHER:
                offences.extend(direct_dispatch_offences(path.read_text(), relative))

    assert offences == [], "send tasks with levelup.jobs.dispatch_on_commit:\n" + "\n".join(
        offences
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("t.delay(job_id=1)\n", ["x.py:1 uses t.delay"]),
        ("on_commit(partial(t.delay, x=1))\n", ["x.py:1 uses t.delay"]),
        ("t.apply_async(kwargs={})\n", ["x.py:1 uses t.apply_async"]),
        ("dispatch_on_commit(t, job_id=1)\n", []),
    ],
)
def test_direct_dispatch_offences_finds_sends(source, expected):
    assert direct_dispatch_offences(source, "x.py") == expected


def test_apps_import_only_in_the_allowed_direction():
    offences = []
    for app in FORBIDDEN_IMPORTS:
        for path in _python_files(app):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in COMPOSITION_ROOT:
                offences.extend(import_direction_offences(path.read_text(), app, relative))

    assert offences == [], "imports flow levelup <- evidence <- partnerships:\n" + "\n".join(
        offences
    )


def test_only_the_outbox_sends_email():
    offences = []
    for app in APPS:
        for path in _python_files(app):
            relative = path.relative_to(ROOT).as_posix()
            if relative != OUTBOX:
                offences.extend(direct_email_offences(path.read_text(), relative))

    assert offences == [], "queue email with levelup.outbox.outbox_queue:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    ("app", "source", "expected"),
    [
        ("levelup", "import evidence.models\n", ["x.py:1 imports evidence.models"]),
        (
            "levelup",
            "from partnerships.selectors import x\n",
            ["x.py:1 imports partnerships.selectors"],
        ),
        (
            "evidence",
            "def f():\n    from partnerships import services\n",
            ["x.py:2 imports partnerships"],
        ),
        ("evidence", "from levelup.models import User\n", []),
        ("partnerships", "from evidence.selectors import calls_open\n", []),
        ("levelup", "from .models import User\nfrom . import rules\n", []),
        ("levelup", "import evidence_tools\n", []),
    ],
)
def test_import_checker_flags_only_backward_imports(app, source, expected):
    assert import_direction_offences(source, app, "x.py") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from django.core.mail import send_mail\n",
            ["x.py:1 imports django.core.mail.send_mail"],
        ),
        (
            "from django.core.mail import send_mass_mail as bulk\n",
            ["x.py:1 imports django.core.mail.send_mass_mail"],
        ),
        (
            "from django.core import mail\nmail.send_mail('s', 'b', None, ['a@b.c'])\n",
            ["x.py:2 uses mail.send_mail"],
        ),
        (
            "import django.core.mail\ndjango.core.mail.mail_admins('s', 'b')\n",
            ["x.py:2 uses django.core.mail.mail_admins"],
        ),
        (
            "from django.core import mail\nmail.EmailMessage(to=['a@b.c']).send()\n",
            ["x.py:2 builds EmailMessage(...)"],
        ),
        (
            "from django.core.mail import EmailMultiAlternatives\n",
            ["x.py:1 imports django.core.mail.EmailMultiAlternatives"],
        ),
        ("from django.core import mail\nassert len(mail.outbox) == 1\n", []),
        ("class F:\n    def send_mail(self):\n        self.send_mail()\n", []),
        ("from levelup.outbox import outbox_queue\n", []),
    ],
)
def test_email_checker_flags_direct_sending(source, expected):
    assert direct_email_offences(source, "x.py") == expected


# Templates: unescaped output of any kind. Rich text uses `|rich_text` instead.
UNSAFE_TEMPLATE = re.compile(r"\|\s*safe(seq)?\b|{%\s*autoescape\s+off")
# Where Python may mark a string safe, and why each one cannot carry user text unsanitised.
MARK_SAFE_ALLOWED = {
    # The one rich-text filter: marks safe only what nh3 has just sanitised.
    "levelup/templatetags/rich_text.py",
    # Search snippets: every part of the text is escaped first; only our own <mark> is added.
    "evidence/selectors/review.py",
}


def unsafe_template_offences(source: str, filename: str) -> list[str]:
    """Lines of a template that print something unescaped ({# comments #} ignored)."""
    offences = []
    for number, line in enumerate(source.splitlines(), start=1):
        code = re.sub(r"{#.*?#}", "", line)
        if UNSAFE_TEMPLATE.search(code):
            offences.append(f"{filename}:{number} {line.strip()}")
    return offences


def mark_safe_offences(source: str, filename: str) -> list[str]:
    """Calls of `mark_safe(...)` / `SafeString(...)` (however imported)."""
    offences = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"mark_safe", "SafeString"}:
                offences.append(f"{filename}:{node.lineno} calls {name}(...)")
    return offences


def test_no_template_prints_text_unescaped():
    # HTML templates only: plain-text emails (*.txt) turn autoescaping off on purpose, as
    # nothing in them is read as markup.
    offences = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        source = path.read_text()
        # A {% comment %} block may name the filter it replaces; it is never rendered.
        source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", source, flags=re.S)
        offences += unsafe_template_offences(source, str(path.relative_to(ROOT)))
    assert offences == []


def test_mark_safe_only_in_the_allow_list():
    offences = []
    for app in APPS:
        for path in _python_files(app):
            name = str(path.relative_to(ROOT))
            if name in MARK_SAFE_ALLOWED or "/migrations/" in name:
                continue
            offences += mark_safe_offences(path.read_text(), name)
    assert offences == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<div>{{ x|safe }}</div>", ["t.html:1 <div>{{ x|safe }}</div>"]),
        ("{{ xs | safeseq|join:', ' }}", ["t.html:1 {{ xs | safeseq|join:', ' }}"]),
        (
            "{% autoescape off %}{{ x }}{% endautoescape %}",
            ["t.html:1 {% autoescape off %}{{ x }}{% endautoescape %}"],
        ),
        ("{{ x|rich_text }}", []),
        ("{{ x|safe_name }}", []),
        ("{# never |safe #}{{ x }}", []),
    ],
)
def test_unsafe_template_checker(source, expected):
    assert unsafe_template_offences(source, "t.html") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from django.utils.safestring import mark_safe\nmark_safe(x)\n",
            ["x.py:2 calls mark_safe(...)"],
        ),
        (
            "from django.utils import safestring\nsafestring.mark_safe(x)\n",
            ["x.py:2 calls mark_safe(...)"],
        ),
        ("from django.utils.html import escape\nescape(x)\n", []),
    ],
)
def test_mark_safe_checker(source, expected):
    assert mark_safe_offences(source, "x.py") == expected
