from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """Django's makemessages without msgmerge's fuzzy guesses.

    A guess such as "Budget (CNY)" for 重新计算金额 reads as translated to whoever skims the
    catalog; an empty msgstr is what `tests/portal/test_translations.py` finds and names.
    """

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
