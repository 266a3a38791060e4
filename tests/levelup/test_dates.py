from datetime import UTC, date, datetime

from django.template import Context, Template

from levelup.dates import day_words, when_words


def test_when_words_writes_uk_time_the_govuk_way():
    summer_evening = datetime(2026, 9, 12, 16, 0, tzinfo=UTC)  # 5pm in London (BST)

    assert when_words(summer_evening) == "5pm on 12 September 2026"
    assert when_words(datetime(2026, 12, 1, 9, 30, tzinfo=UTC)) == "9:30am on 1 December 2026"
    assert when_words(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)) == "midday on 1 December 2026"
    assert when_words(None) == ""


def test_day_words_uses_the_uk_day_of_a_moment():
    just_after_midnight_in_london = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)

    assert day_words(just_after_midnight_in_london) == "1 July 2026"
    assert day_words(date(2026, 3, 5)) == "5 March 2026"


def test_templates_print_dates_one_way_with_or_without_filters():
    template = Template("{% load dates %}{{ d|day }} | {{ t|when }} | {{ d }}")

    rendered = template.render(
        Context({"d": date(2026, 3, 5), "t": datetime(2026, 3, 5, 17, 15, tzinfo=UTC)})
    )

    assert rendered == "5 March 2026 | 5:15pm on 5 March 2026 | 5 March 2026"
