"""Languages the archive knows, as ISO 639-1 codes, with names in the reader's language."""

from django.utils.translation import gettext_lazy as _

LANGUAGES = {
    "kk": _("Kazakh"),
    "ug": _("Uyghur"),
    "ru": _("Russian"),
    "en": _("English"),
    "zh": _("Chinese"),
    "ky": _("Kyrgyz"),
    "uz": _("Uzbek"),
    "tr": _("Turkish"),
}
LANGUAGE_CHOICES = list(LANGUAGES.items())
