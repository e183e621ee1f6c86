"""Themes, including a high-contrast one for projectors, where pale greys and thin colours wash out."""

from __future__ import annotations

from textual.theme import Theme

PROJECTOR = Theme(
    name="projector",
    primary="#0050B3",
    secondary="#003A80",
    accent="#B34700",
    warning="#B36B00",
    error="#C00000",
    success="#00702E",
    foreground="#000000",
    background="#FFFFFF",
    surface="#F2F2F2",
    panel="#E0E6F0",
    dark=False,
    variables={"footer-key-foreground": "#0050B3", "block-cursor-text-style": "bold"},
)

PROJECTOR_DARK = Theme(
    name="projector-dark",
    primary="#4DA3FF",
    secondary="#9CC9FF",
    accent="#FFB000",
    warning="#FFC000",
    error="#FF5050",
    success="#40D070",
    foreground="#FFFFFF",
    background="#000000",
    surface="#101010",
    panel="#1A2433",
    dark=True,
)

THEMES = (PROJECTOR, PROJECTOR_DARK)
DEFAULT_THEME = "projector-dark"
