"""Identity numbers without Django: detection, masking, and marks that follow their words.

`identifiers` finds the numbers (with their check digits), `masking` hides them and editor-marked
spans, `marks` moves editor marks to where their words went in a new text.
"""

from redaction.identifiers import (
    KINDS,
    Kind,
    Span,
    cn_resident_id_check_char,
    find_identifiers,
    is_valid_cn_resident_id,
    is_valid_kz_iin,
    kz_iin_check_digit,
    normalise_digits,
)
from redaction.marks import Relocation, relocate_marks, relocate_marks_detailed
from redaction.masking import MASK_LABELS, mask

__all__ = [
    "KINDS",
    "MASK_LABELS",
    "Kind",
    "Relocation",
    "Span",
    "cn_resident_id_check_char",
    "find_identifiers",
    "is_valid_cn_resident_id",
    "is_valid_kz_iin",
    "kz_iin_check_digit",
    "mask",
    "normalise_digits",
    "relocate_marks",
    "relocate_marks_detailed",
]
