"""Colours that must stay readable: the focus ring on white and on the header, and each
campaign's header colour under white text."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE_CSS = (ROOT / "static" / "css" / "site.css").read_text()
WHITE = "#ffffff"


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def css_var(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", SITE_CSS).group(1)


def campaign_colours() -> list[tuple[str, str]]:
    folders = [ROOT / "fixtures" / "landmine-maps", ROOT / "tests" / "sample_campaign"]
    found = []
    for folder in folders:
        for row in json.loads((folder / "070_campaign.json").read_text()):
            found.append((folder.name, row["fields"]["colour"]))
    return found


def test_the_focus_ring_is_a_dark_ring_inside_a_light_one():
    rule = re.search(r"a:focus-visible,[^{]*\{([^}]*)\}", SITE_CSS).group(1)
    assert "outline: 3px solid var(--focus-ink)" in rule
    assert "box-shadow: 0 0 0 6px var(--focus)" in rule


def test_the_focus_ring_reaches_3_to_1_on_white():
    assert contrast(css_var("focus-ink"), WHITE) >= 3


@pytest.mark.parametrize(("campaign", "colour"), campaign_colours())
def test_the_focus_ring_reaches_3_to_1_on_each_campaigns_header(campaign, colour):
    assert contrast(css_var("focus"), colour) >= 3, campaign


@pytest.mark.parametrize(("campaign", "colour"), campaign_colours())
def test_white_text_reads_on_each_campaigns_colour(campaign, colour):
    assert contrast(WHITE, colour) >= 4.5, campaign
