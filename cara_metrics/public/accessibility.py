"""The accessibility statement for the public pages, in the GOV.UK model form.

Who runs the site and how to reach them are set per deployment (``CARA_PUBLISHER``,
``CARA_ACCESSIBILITY_CONTACT``; docs/deploy-public.md), with wording that still reads
correctly when they are unset. Update the two dates after each audit.
"""

from __future__ import annotations

import datetime as dt

from ..periods import format_date

#: When the statement was prepared and the site last tested (update both after each audit).
STATEMENT_PREPARED = dt.date(2026, 11, 30)
LAST_TESTED = dt.date(2026, 11, 30)


#: Who runs the site and how to reach them; set per deployment (docs/deploy-public.md).
CONTACT_ENV = "CARA_ACCESSIBILITY_CONTACT"
OWNER_ENV = "CARA_PUBLISHER"


def _setting(name: str, default: str) -> str:
    import os

    return os.environ.get(name, "").strip() or default


def accessibility_sections() -> list[tuple[str, str]]:
    """(heading, markdown) pairs: the accessibility statement in the GOV.UK model form."""
    owner = _setting(OWNER_ENV, "the Office of the Police and Crime Commissioner")
    contact = _setting(CONTACT_ENV, f"us using the contact details on the website of {owner}")
    prepared, tested = format_date(STATEMENT_PREPARED), format_date(LAST_TESTED)
    return [
        ("About this statement",
         f"This accessibility statement applies to the public CARA figures pages, run by {owner}. We want as many people "
         "as possible to be able to use them. For example, that means you should be able to:\n\n"
         "- change colours, contrast levels and fonts using your browser or device settings\n"
         "- zoom in up to 400% without the text spilling off the screen\n"
         "- navigate most of the pages using just a keyboard\n"
         "- navigate most of the pages using speech recognition software\n"
         "- listen to most of the pages using a screen reader\n\n"
         "Every chart has a sentence saying what it shows and a table with the same figures, and every table can be "
         "downloaded as CSV or as an OpenDocument spreadsheet. AbilityNet has advice on making your device easier to "
         "use if you have a disability."),
        ("How accessible this website is",
         "We know some parts of these pages are not fully accessible:\n\n"
         "- the interactive charts cannot be fully explored with a screen reader or keyboard; the same figures are in the "
         "table and the sentence under each chart\n"
         "- the pages have been checked with automated tools but not yet by hand with assistive technology, so there may "
         "be problems we have not found"),
        ("Feedback and contact information",
         f"If you need information on these pages in a different format, like accessible PDF, large print, easy read, "
         f"audio recording or braille, contact {contact}. We will consider your request and get back to you within "
         "10 working days."),
        ("Reporting accessibility problems with this website",
         "We are always looking to improve the accessibility of these pages. If you find any problems not listed on this "
         f"page or think we are not meeting accessibility requirements, contact {contact}."),
        ("Enforcement procedure",
         "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites "
         "and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the 'accessibility regulations'). If you are not "
         "happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS)."),
        ("Technical information about this website's accessibility",
         f"{owner[0].upper() + owner[1:]} is committed to making its website accessible, in accordance with the Public "
         "Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018."),
        ("Compliance status",
         "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due "
         "to the non-compliances listed below."),
        ("Non-accessible content",
         "The content listed below is non-accessible for the following reasons.\n\n"
         "**Non-compliance with the accessibility regulations**\n\n"
         "- Interactive charts: the points on a chart cannot be reached one by one with a keyboard or screen reader "
         "(WCAG 2.2 success criteria 1.1.1 Non-text content and 2.1.1 Keyboard). Each chart has a summary sentence and a "
         "table with every figure it shows. We plan to replace the interactive charts with static images with text "
         "alternatives.\n\n"
         "**Disproportionate burden**\n\nWe are not claiming disproportionate burden for any content.\n\n"
         "**Content that's not within the scope of the accessibility regulations**\n\n"
         "The downloadable CSV and OpenDocument files are data files, not documents; they carry a metadata sheet "
         "describing every column and symbol."),
        ("What we're doing to improve accessibility",
         "Every public page is checked automatically with the axe-core accessibility engine in a real browser whenever "
         "the pages change: a serious or critical problem fails the check and must be fixed before the change goes live. "
         "We plan a manual audit with keyboard and screen-reader users, and will review this statement after it."),
        ("Preparation of this accessibility statement",
         f"This statement was prepared on {prepared}. It was last reviewed on {prepared}. These pages were last tested on "
         f"{tested}, automatically, with the axe-core engine in the Chromium browser. Every public page was tested: the "
         "overview, the tables and downloads, the methodology and this statement. They have not yet been audited by hand."),
    ]
