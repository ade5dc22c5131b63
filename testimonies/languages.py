"""Languages the archive knows, as ISO 639-1 codes."""

LANGUAGES = {
    "kk": "Kazakh",
    "ug": "Uyghur",
    "ru": "Russian",
    "en": "English",
    "zh": "Chinese",
    "ky": "Kyrgyz",
    "uz": "Uzbek",
    "tr": "Turkish",
}
LANGUAGE_CHOICES = list(LANGUAGES.items())
