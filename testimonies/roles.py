"""The archive's roles (Django groups, created by migration 0003) and what each may do.

| role       | sees                       | may                                              |
| ---------- | -------------------------- | ------------------------------------------------ |
| admin      | everything                 | everything in the admin, staff pages             |
| editor     | everything (is_staff)      | add and change records, staff pages, retry jobs  |
| reviewer   | what staff sees            | accept or reject proposals as they stand         |
| researcher | public and restricted      | API token with higher rate limits; case files    |
| ngo        | public and restricted      | case files with identity numbers (WGEID)         |
| transcriber| public (search, pages)     | correct the testimonies given to them            |
| (anyone)   | public                     | search, pages, API within the anonymous throttle |

Drafts are for staff accounts (`is_staff`), whatever their groups. A transcriber (a
volunteer) opens the editor for a testimony that the staff gave them (public or draft;
restricted only when they are vetted, i.e. researchers too); everywhere else they see what
anyone sees.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

ADMIN = "admin"
EDITOR = "editor"
REVIEWER = "reviewer"
RESEARCHER = "researcher"
TRANSCRIBER = "transcriber"
# A vetted organisation that submits cases to the UN Working Group on Enforced or Involuntary
# Disappearances: reads what researchers read, and its case files show identity numbers.
NGO = "ngo"
ALL = (ADMIN, EDITOR, REVIEWER, RESEARCHER, TRANSCRIBER, NGO)
# Roles that edit the archive: they reach the staff pages (takedown reports).
EDITING = (ADMIN, EDITOR)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def has_role(user: Any, *roles: str) -> bool:
    return _signed_in(user) and user.groups.filter(name__in=roles).exists()


def may_see_drafts(user: Any) -> bool:
    return _signed_in(user) and bool(user.is_staff)


def may_see_restricted(user: Any) -> bool:
    return may_see_drafts(user) or has_role(user, RESEARCHER, NGO)


def may_make_case_files(user: Any) -> bool:
    """Case files gather restricted testimonies about one person: vetted roles only."""
    return bool(_signed_in(user) and user.is_active and may_see_restricted(user))


def may_see_identity_numbers(user: Any) -> bool:
    """Identity document numbers in case files: an NGO that submits them, editors, admins.
    Researchers and everyone else read them masked."""
    return may_make_case_files(user) and (bool(user.is_superuser) or has_role(user, NGO, *EDITING))


def may_use_staff_pages(user: Any) -> bool:
    """Staff accounts and the editing roles (editors who are not staff log in at the site)."""
    return (
        _signed_in(user)
        and bool(user.is_active)
        and (bool(user.is_staff) or has_role(user, *EDITING))
    )


def may_retry_jobs(user: Any) -> bool:
    """Sending failed transcriptions back to the workers spends GPU time: staff pages and an
    editing role (or a superuser); a reviewer with a staff account may only look."""
    return may_use_staff_pages(user) and (bool(user.is_superuser) or has_role(user, *EDITING))


def may_ingest(user: Any) -> bool:
    """Uploading media adds testimonies and spends GPU time: whoever may retry jobs."""
    return may_retry_jobs(user)


def may_link_records(user: Any) -> bool:
    """Linking a proposal to a person or place, or creating one, is an editor's decision;
    reviewers accept or reject proposals as they stand. ``None`` is the system itself (a
    management command, a task)."""
    if user is None:
        return True
    return _signed_in(user) and (bool(user.is_superuser) or has_role(user, *EDITING))


def may_correct_every_transcript(user: Any) -> bool:
    """Editors correct any transcript they may see; transcribers only those given to them
    (`Testimony.objects.correctable_by`)."""
    return (
        _signed_in(user)
        and bool(user.is_active)
        and (bool(user.is_superuser) or has_role(user, *EDITING))
    )


def is_transcriber(user: Any) -> bool:
    return _signed_in(user) and bool(user.is_active) and has_role(user, TRANSCRIBER)


def may_hand_out(user: Any) -> bool:
    """Giving testimonies to transcribers: the staff pages' editing roles."""
    return may_correct_every_transcript(user) and may_use_staff_pages(user)


def grant(user: Any, role: str) -> None:
    """Put an account in a role's group (created if a fresh database lacks it)."""
    if role not in ALL:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(ALL)}")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
